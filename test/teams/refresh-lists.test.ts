// Who a card refreshes for: the requester and the approvers the bot can reach, including one who opens a chat late.
import { cardOf } from '../support/fake-connector';
import { fakeDate } from '../support/fake-time';
import { startHarness, type Harness } from '../support/bot-harness';
import { ADA, ALEX, installFrom, messageFrom, SAM } from '../support/teams-users';

describe('refresh lists of the confirmation card', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const refreshListOfSamsNextCard = async (): Promise<readonly string[] | undefined> => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    return cardOf(h.connector.to(SAM.conversationId).at(-1))?.refresh?.userIds;
  };

  beforeEach(async () => {
    h = await startHarness();
    fakeDate();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await h.stop();
  });

  it('when an approver opens a chat with the bot after cards were drafted, then the cards drafted a minute later refresh for them too', async () => {
    // Arrange: Alex has a chat with the bot; Ada has none yet.
    expect((await h.post(installFrom(ALEX, opts()))).status).toBe(200);
    const before = await refreshListOfSamsNextCard();
    expect(before).toEqual(expect.arrayContaining([SAM.teamsId, ALEX.teamsId]));
    expect(before).not.toContain(ADA.teamsId);

    // Act: Ada installs the bot; a minute passes.
    expect((await h.post(installFrom(ADA, opts()))).status).toBe(200);
    jest.setSystemTime(Date.now() + 61_000);

    // Assert
    expect(await refreshListOfSamsNextCard()).toEqual(expect.arrayContaining([SAM.teamsId, ALEX.teamsId, ADA.teamsId]));
  });
});
