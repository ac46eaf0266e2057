// APPROVAL_CHANNEL: approval cards go to one Teams channel instead of approvers' 1:1 chats.
import { buttonsOf, cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, BOT, installFrom, messageFrom, PARTNER_TENANT, PAT, SAM, type TeamsUser } from '../support/teams-users';

const CHANNEL = '19:access-approvals@thread.tacv2';
const TEAM = '19:litware-team@thread.tacv2';

/** An activity as Teams sends it from the approvals channel. */
const inChannel = <T extends { conversation: object; channelData: object }>(activity: T): T => ({
  ...activity,
  conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT },
  channelData: { tenant: { id: PARTNER_TENANT }, team: { id: TEAM }, channel: { id: CHANNEL } },
});

describe('approvals in a channel', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const clickInChannel = async (who: TeamsUser, verb: string, data: Record<string, unknown>) => {
    const response = await h.post(inChannel(actionFrom(who, verb, data, opts())));
    expect(response.status).toBe(200);
    return response.body as { statusCode: number; value: unknown };
  };

  beforeEach(async () => {
    h = await startHarness({ APPROVAL_CHANNEL: CHANNEL });
    // The bot is added to the team: Teams sends a conversationUpdate from the channel.
    await h.post(inChannel({ ...installFrom(ADA, opts()), membersAdded: [{ id: BOT.id }] }));
  });
  afterEach(async () => h.stop());

  it('when a request is confirmed, then one approval card is posted in the channel and an approver decides there', async () => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();

    const posted = h.connector.to(CHANNEL).filter((a) => a.method === 'POST' && cardOf(a));
    expect(posted).toHaveLength(1);
    expect(buttonsOf(cardOf(posted[0]))).toEqual(['Approve', 'Reject']);
    expect(h.connector.to(ADA.conversationId).filter((a) => cardOf(a))).toHaveLength(0);

    const byPat = await clickInChannel(PAT, 'approve', { requestId });
    expect(cardText(byPat.value as never)).toContain('Only approvers can approve or reject requests');
    await clickInChannel(ADA, 'approve', { requestId });
    await h.bot.idle();

    expect(h.sandbox.state.roleAssignments.filter((a) => a.principalId === 'c0000001-0000-4000-8000-0000000000a1' && a.roleDefinitionName === 'b24988ac-6180-42a0-ab88-20f7382dd24c')).toHaveLength(1);
    const channelCard = cardOf(h.connector.to(CHANNEL).filter((a) => a.method === 'PUT').at(-1));
    expect(cardText(channelCard)).toContain('Status: Granted');
    expect(buttonsOf(channelCard)).toEqual([]);
  });
});
