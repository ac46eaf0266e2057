// A revoked refresh token (the partner service account's sessions revoked in Entra), through the real endpoint, a fake
// connector and the sandbox with its Entra: the approvers are told once, in their language, what to run; the waiting
// request stays waiting (never failed, never "try again in a minute") and goes on once a new refresh token is stored.
// Likewise a GDAP relationship the customer ends between approval and provisioning: the request waits for a new one.
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
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';

type Action = { verb?: string; data?: Record<string, unknown> };

describe('access lost at run time: the partner service account\'s sign-in, the customer\'s GDAP relationship', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const stateOf = async (id: string) => (await h.bot.store.requests.get(id as never))?.state;
  const cardsTo = (who: TeamsUser) => h.connector.to(who.conversationId).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c));
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
    const draft = cardsTo(SAM).at(-1);
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

  it('when Contoso ends our GDAP relationship after Ada approved, then Sam and the approvers read why it waits, Sam gets a new relationship request, and it is granted once Contoso approves it', async () => {
    // Arrange: Sam's request for Alice on Contoso, confirmed, waits for approval
    const alicesContributor = () => h.sandbox.state.roleAssignments.filter((a) => a.principalId === ALICE && a.roleDefinitionName === CONTRIBUTOR);
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = (cardsTo(SAM).at(-1)?.actions as Action[] | undefined)?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${cardText(cardsTo(SAM).at(-1))}`);
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    expect(await stateOf(requestId)).toBe('pending_approval');
    // Contoso's global administrator terminates the relationship in their admin center
    const ended = h.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId.toLowerCase() === CONTOSO && r.status === 'active');
    expect(ended.length).toBeGreaterThan(0);
    for (const relationship of ended) relationship.status = 'terminated';

    // Act: Ada approves
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts('fr-FR')));
    await h.bot.idle();

    // Assert: nothing granted, nothing failed; it waits, and each of them reads why, in their language
    expect(await stateOf(requestId)).toBe('awaiting_relationship');
    expect(alicesContributor()).toHaveLength(0);
    // Sam reads that it had been approved, that our access to Contoso is gone and why, that it goes on by itself, and
    // that it needs approving again (not the intake's "waits until they accept")
    expect(textsTo(SAM).filter((t) => t.includes('no relationship with Contoso'))).toEqual([expect.stringMatching(
      /^Your request for Alice Martin \(Contributor\) on Contoso had been approved, but I could not grant it: our access to Contoso is gone \(the GDAP relationship with Contoso ended or expired, or the access assignment that gives our security group its roles there was removed\)\. We have no relationship with Contoso .* The request waits and goes on by itself once our access is back; the approvers will then need to approve it again\.$/,
    )]);
    expect(textsTo(ALEX).filter((t) => t.startsWith('Action needed for Contoso'))).toEqual([expect.stringMatching(
      /^Action needed for Contoso \(request from Sam[^)]*\): a request you had approved on .+ could not be granted: our access to Contoso is gone \(.*access assignment.*\)\. We have no relationship with Contoso .* It waits and goes on by itself once access is back; it will then come back to you to be approved again\.$/,
    )]);
    expect(textsTo(ADA).filter((t) => t.startsWith('Action requise pour Contoso'))).toEqual([expect.stringMatching(
      /^Action requise pour Contoso \(demande de Sam[^)]*\)\u00a0: une demande que vous aviez approuvée sur .+ n'a pas pu être appliquée\u00a0: nous n'avons plus accès à Contoso \(.*attribution d'accès.*\)\. .* elle vous sera alors soumise de nouveau pour approbation\.$/,
    )]);
    expect([...textsTo(SAM), ...textsTo(ALEX)].some((t) => t.includes('I could not give'))).toBe(false);

    // Act: the watcher sends Sam a new GDAP relationship request; Contoso approves it; Alex approves the request again
    await poll();
    const relationshipId = (await h.bot.store.requests.get(requestId as never))?.relationship?.relationshipId ?? '';
    expect(ended.map((r) => r.id)).not.toContain(relationshipId);
    expect(cardsTo(SAM).some((c) => cardText(c).includes(relationshipId))).toBe(true);
    expect(await post(`/_sandbox/relationship/${PARTNER_ID}/accept`, new URLSearchParams({ relationship: relationshipId }).toString())).toBe(200);
    await poll();
    await poll();
    expect(await stateOf(requestId)).toBe('pending_approval');
    await h.post(actionFrom(ALEX, 'approve', { requestId }, opts()));
    await h.bot.idle();

    // Assert: granted
    expect(await stateOf(requestId)).toBe('active');
    expect(alicesContributor()).toHaveLength(1);
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
