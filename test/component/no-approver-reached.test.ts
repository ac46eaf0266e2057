// A request no approver could be shown: the requester hears it once (in their language) and what to do; the request
// waits, and the first approver to open the bot afterwards gets its approval card.
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, BOT, installFrom, messageFrom, PARTNER_TENANT, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';
const NOBODY_EN = 'No approver could be shown your request';
const NOBODY_FR = "Aucun approbateur n'a encore pu recevoir votre demande";
const CHANNEL = '19:access-approvals@thread.tacv2';

/** An activity as Teams sends it from the approvals channel. */
const inChannel = <T extends { conversation: object; channelData: object }>(activity: T): T => ({
  ...activity,
  conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT },
  channelData: { tenant: { id: PARTNER_TENANT }, team: { id: '19:litware-team@thread.tacv2' }, channel: { id: CHANNEL } },
});

describe('a request no approver could be shown', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const posts = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST');
  const textsTo = (who: TeamsUser) => posts(who).map((a) => a.body.text ?? '');
  const approvalCards = (who: TeamsUser, requestId: string): CardJson[] =>
    posts(who).map((a) => cardOf(a)).filter((card): card is CardJson => Boolean(card?.actions?.some((action) => action.verb === 'approve' && action.data?.requestId === requestId)));
  const click = async (who: TeamsUser, verb: string, requestId: string): Promise<string> => {
    const response = await h.post(actionFrom(who, verb, { requestId }, opts()));
    expect(response.status).toBe(200);
    const value = (response.body as { value: CardJson | string }).value;
    return typeof value === 'string' ? value : cardText(value);
  };
  /** Sam asks (in `locale`) and confirms; the bot settles. */
  const askAndConfirm = async (text = "give Alice Contributor on Contoso's prod subscription", locale = 'en-US'): Promise<string> => {
    await h.post(messageFrom(SAM, text, opts(locale)));
    const requestId = cardOf(posts(SAM).at(-1))?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${textsTo(SAM).at(-1) ?? ''}`);
    await click(SAM, 'confirm', requestId);
    await h.bot.idle();
    return requestId;
  };
  const stateOf = async (requestId: string) => (await h.bot.store.requests.get(requestId as never))?.state;
  const toldNobody = (phrase: string) => textsTo(SAM).filter((t) => t.includes(phrase));

  afterEach(async () => h.stop());

  it('when no approver has a chat with the bot yet, then Sam reads once that nobody could be asked and what to do, the request stays pending, and a restart tells him nothing more', async () => {
    h = await startHarness();
    const requestId = await askAndConfirm();
    expect(await stateOf(requestId)).toBe('pending_approval');
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
    const note = toldNobody(NOBODY_EN)[0] ?? '';
    expect(note).toContain('Alice Martin');
    expect(note).toContain('Contoso Production');
    expect(note).toContain('open a chat with me in Teams');

    await h.restart();
    await h.bot.idle();
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
    expect(await stateOf(requestId)).toBe('pending_approval');
  });

  it('when Sam writes in French, then he reads it in French', async () => {
    h = await startHarness();
    const requestId = await askAndConfirm("donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", 'fr-FR');
    expect(await stateOf(requestId)).toBe('pending_approval');
    expect(toldNobody(NOBODY_FR)).toHaveLength(1);
    expect(toldNobody(NOBODY_FR)[0]).toContain('Contributeur');
    expect(toldNobody(NOBODY_EN)).toHaveLength(0);
  });

  it.each([
    [403, 'BotNotInConversationRoster'],
    [404, 'ConversationNotFound'],
  ])('when every approver removed the app (Teams answers %i %s), then Sam is told once, the request waits, and the approver who adds the app again gets its card', async (status, code) => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
    await h.post(installFrom(ALEX, opts()));
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = cardOf(posts(SAM).at(-1))?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    // The two approval cards are the next sends.
    h.connector.failNext(2, status, {}, JSON.stringify({ error: { code, message: `Teams refused: ${code}` } }));
    await click(SAM, 'confirm', requestId);
    await h.bot.idle();
    expect(approvalCards(ADA, requestId)).toHaveLength(0);
    expect(approvalCards(ALEX, requestId)).toHaveLength(0);
    // The refused send is not taken for a failed turn of theirs: nothing else is tried in their chats.
    expect([...textsTo(ADA), ...textsTo(ALEX)].filter((t) => t.includes('Something went wrong'))).toEqual([]);
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
    expect(await stateOf(requestId)).toBe('pending_approval');

    // Ada adds the app again (Teams keeps the same 1:1 chat): the card waiting for her comes, once.
    await h.post(installFrom(ADA, opts()));
    await h.bot.idle();
    await h.post(messageFrom(ADA, 'help', opts()));
    await h.bot.idle();
    expect(approvalCards(ADA, requestId)).toHaveLength(1);
    expect(approvalCards(ALEX, requestId)).toHaveLength(0);
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
  });

  it('when the only approver is Sam himself, then he is told nobody else could be asked', async () => {
    h = await startHarness({ APPROVERS: SAM.aadObjectId });
    await h.post(installFrom(ADA, opts()));
    const requestId = await askAndConfirm();
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
    expect(await stateOf(requestId)).toBe('pending_approval');
  });

  it('when an approver reaches one, then Sam is not told anything of the sort', async () => {
    h = await startHarness();
    await h.post(installFrom(ALEX, opts()));
    const requestId = await askAndConfirm();
    expect(approvalCards(ALEX, requestId)).toHaveLength(1);
    expect(toldNobody(NOBODY_EN)).toHaveLength(0);
  });

  it('when an approver first opens the bot afterwards, then she gets the waiting approval card once (not again on her next message nor after a restart) and her approval grants it', async () => {
    h = await startHarness();
    const requestId = await askAndConfirm();
    expect(approvalCards(ADA, requestId)).toHaveLength(0);

    await h.post(installFrom(ADA, opts('fr-FR')));
    await h.bot.idle();
    expect(approvalCards(ADA, requestId)).toHaveLength(1);
    expect(cardText(approvalCards(ADA, requestId)[0])).toContain("En attente d'approbation");

    await h.post(messageFrom(ADA, 'aide', opts('fr-FR')));
    await h.restart();
    await h.bot.idle();
    expect(approvalCards(ADA, requestId)).toHaveLength(1);

    await click(ADA, 'approve', requestId);
    await h.bot.idle();
    expect(h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE_MARTIN)).toHaveLength(1);
    // Her card is the one kept up to date.
    expect(cardText(cardOf(h.connector.to(ADA.conversationId).filter((a) => a.method === 'PUT').at(-1)))).not.toContain("En attente d'approbation");

    // Decided already: an approver who comes later has nothing to decide.
    await h.post(installFrom(ALEX, opts()));
    await h.bot.idle();
    expect(approvalCards(ALEX, requestId)).toHaveLength(0);
  });

  it('when the approvals channel is set but the bot is not in its team yet, then Sam is told, and once the bot is added the channel shows the card (approvers then get none in their own chats)', async () => {
    h = await startHarness({ APPROVAL_CHANNEL: CHANNEL });
    const requestId = await askAndConfirm();
    expect(toldNobody(NOBODY_EN)).toHaveLength(1);
    // What unblocks it here is the bot in the approvals channel's team: Sam is told who can do that.
    expect(toldNobody(NOBODY_EN)[0]).toContain('add me to the team of the approvals channel');

    await h.post(inChannel({ ...installFrom(ADA, opts()), membersAdded: [{ id: BOT.id }] }));
    await h.bot.idle();
    const posted = () => h.connector.to(CHANNEL).filter((a) => a.method === 'POST' && cardOf(a)?.actions?.some((action) => action.data?.requestId === requestId));
    expect(posted()).toHaveLength(1);

    await h.post(installFrom(ALEX, opts()));
    await h.bot.idle();
    expect(approvalCards(ALEX, requestId)).toHaveLength(0);
    expect(posted()).toHaveLength(1);
  });
});
