// A revoked refresh token (the partner service account's sessions revoked in Entra), through the real endpoint, a fake
// connector and the sandbox with its Entra: the approvers are told once, in their language, what to run; the waiting
// request stays waiting (never failed, never "try again in a minute") and goes on once a new refresh token is stored.
import { request as httpsRequest } from 'node:https';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';

const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const PARTNER_ID = '7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41';
const NINA = 'c0000004-0000-4000-8000-0000000000f1';
const NORTHWIND_MAIN = '/subscriptions/c0000004-5b50-4000-8000-000000000001';
const FIVE_MINUTES = 5 * 60_000;

type Action = { verb?: string; data?: Record<string, unknown> };

describe('the partner service account\'s sign-in, revoked and renewed', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const stateOf = async (id: string) => (await h.bot.store.requests.get(id as never))?.state;
  const poll = async () => {
    h.clock.advance(FIVE_MINUTES);
    await h.bot.relationships.pollNow();
    await h.bot.idle();
  };

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    await h.post(installFrom(ADA, opts('fr-FR')));
    await h.post(installFrom(ALEX, opts()));
  });
  afterEach(async () => h.stop());

  it('when the refresh token is revoked while a request waits, then the approvers are told once what to run, the request waits, and it goes on after a new refresh token', async () => {
    // Arrange: Sam's request for Nina waits for Northwind's GDAP relationship
    await h.post(messageFrom(SAM, "give Nina Contributor on Northwind's subscription", opts()));
    const draft = h.connector.to(SAM.conversationId).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c)).at(-1);
    const requestId = (draft?.actions as Action[] | undefined)?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${cardText(draft)}`);
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    const relationshipId = (await h.bot.store.requests.get(requestId as never))?.relationship?.relationshipId ?? '';
    expect(relationshipId).not.toBe('');

    // Act: the service account's sessions are revoked (a password reset, an admin's revocation); Northwind approves
    expect(await post(`/_sandbox/entra/users/${SERVICE_ACCOUNT}/revokeSignInSessions`, '')).toBeLessThan(300);
    expect(await post(`/_sandbox/relationship/${PARTNER_ID}/accept`, new URLSearchParams({ relationship: relationshipId }).toString())).toBe(200);
    for (let i = 0; i < 4; i++) await poll();

    // Assert: the request waits (for the sign-in), nothing failed; each approver told once, in their language, what to run
    expect((await stateOf(requestId))).toBe('awaiting_relationship');
    expect((await h.bot.store.requests.get(requestId as never))?.relationship?.missing).toEqual({ kind: 'sign_in_required' });
    expect(textsTo(ADA).filter((t) => t.includes('npm run consent'))).toEqual([expect.stringContaining('Action requise')]);
    expect(textsTo(ALEX).filter((t) => t.includes('npm run consent'))).toEqual([expect.stringContaining('Action needed')]);
    expect(textsTo(SAM).some((t) => t.includes('did not answer'))).toBe(false);

    // Act: someone runs `npm run consent`: a new refresh token is stored where the bot keeps it
    const tokens = openSqliteRefreshTokens(h.storePath);
    await tokens.save(h.sandbox.issueRefreshToken());
    await tokens.close();
    await poll();
    await poll();

    // Assert: the approvers hear it works again; the request went on to approval with Nina found; Ada approves; granted
    expect(textsTo(ALEX).filter((t) => t.includes('sign-in works again'))).toHaveLength(1);
    expect((await stateOf(requestId))).toBe('pending_approval');
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts('fr-FR')));
    await h.bot.idle();
    expect((await stateOf(requestId))).toBe('active');
    expect(h.sandbox.state.roleAssignments.filter((a) => a.principalId === NINA && a.scope === NORTHWIND_MAIN)).toHaveLength(1);
  });

  /** A POST to one of the sandbox's own pages (control routes, the customer's accept page). */
  function post(path: string, form: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${h.sandbox.url}${path}`, { method: 'POST', ca: h.sandbox.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(form);
    });
  }
});
