// What is stored is what is sent: messages caused by a change survive a restart and go out once; a locked store
// fails only the click that needs it, in the clicker's language, while other people's turns are answered.
import Database from 'better-sqlite3';
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, PAT, SAM, type TeamsUser } from '../support/teams-users';

interface InvokeBody {
  statusCode: number;
  value: CardJson | string;
}

describe('the store and the outbox', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const posts = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST');
  const cardsFor = (who: TeamsUser, requestId: string) =>
    posts(who).map((a) => cardOf(a)).filter((card) => card?.actions?.some((action) => action.data?.requestId === requestId));
  const click = async (who: TeamsUser, verb: string, requestId: string, locale?: string): Promise<string> => {
    const response = await h.post(actionFrom(who, verb, { requestId }, opts(locale)));
    expect(response.status).toBe(200);
    const body = response.body as InvokeBody;
    return typeof body.value === 'string' ? body.value : cardText(body.value);
  };
  const askAndConfirm = async (): Promise<string> => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = cardOf(posts(SAM).at(-1))?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    expect(await click(SAM, 'confirm', requestId)).toContain('Waiting for approval');
    return requestId;
  };

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
    await h.post(installFrom(ALEX, opts('fr-FR')));
  });
  afterEach(async () => h.stop());

  it('when Teams refuses every send right after a confirmation is stored, then after a restart each approver gets the approval card once, and a second restart sends nothing more', async () => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = cardOf(posts(SAM).at(-1))?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    // Teams answers 403 (not a retryable status) to everything from here on: the approval cards cannot go out.
    h.connector.failNext(1_000, 403, {}, JSON.stringify({ error: { code: 'BotDisabledByAdmin', message: 'The bot is disabled' } }));
    expect(await click(SAM, 'confirm', requestId)).toContain('Waiting for approval');
    await h.bot.idle();
    expect(cardsFor(ADA, requestId)).toHaveLength(0);
    expect(cardsFor(ALEX, requestId)).toHaveLength(0);

    h.connector.failNext(0, 200);
    await h.restart();
    await h.bot.idle();
    expect(cardsFor(ADA, requestId)).toHaveLength(1);
    expect(cardsFor(ALEX, requestId)).toHaveLength(1);
    expect(cardText(cardsFor(ALEX, requestId)[0])).toContain('En attente d');

    await h.restart();
    await h.bot.idle();
    expect(cardsFor(ADA, requestId)).toHaveLength(1);
    expect(cardsFor(ALEX, requestId)).toHaveLength(1);
    // The cards that went out after the restart are the ones kept up to date: Ada's approval shows on Alex's.
    await click(ADA, 'approve', requestId);
    await h.bot.idle();
    const updates = h.connector.to(ALEX.conversationId).filter((a) => a.method === 'PUT');
    expect(updates.length).toBeGreaterThan(0);
  });

  it('when another process holds the store\'s write lock, then Alex\'s approval and Sam\'s new request are refused plainly, each in their language, Pat\'s "help" is answered meanwhile, and Alex\'s click works once the lock is gone', async () => {
    const requestId = await askAndConfirm();
    await h.bot.idle();
    const lock = new Database(h.storePath);
    lock.exec('BEGIN IMMEDIATE');
    let approve: Promise<string>;
    try {
      approve = click(ALEX, 'approve', requestId, 'fr-FR');
      const ask = h.post(messageFrom(SAM, 'give Alice Reader on Contoso prod', opts()));
      // While the click waits for the lock, another user's message is answered.
      const help = await h.post(messageFrom(PAT, 'help', opts()));
      expect(help.status).toBe(200);
      expect(posts(PAT).length).toBeGreaterThan(0);
      expect(await approve).toContain("Je n'ai pas pu enregistrer cette décision");
      // A new request that cannot be stored is said to be unrecorded, not "something went wrong".
      expect((await ask).status).toBe(200);
      expect(posts(SAM).at(-1)?.body.text).toContain('I could not record your request just now');
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect(h.sandbox.state.roleAssignments.filter((a) => a.principalId === 'c0000001-0000-4000-8000-0000000000a1' && a.scope === '/subscriptions/c0000001-5b50-4000-8000-000000000001')).toHaveLength(0);

    expect(await click(ALEX, 'approve', requestId, 'fr-FR')).not.toContain("Je n'ai pas pu enregistrer");
    await h.bot.idle();
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('active');
  });
});
