// A GDAP relationship is created once per request, across a crash: Graph created it but the bot never learnt (its answer
// lost, or the process gone before it recorded it). The resumed request takes the relationship it already has (found by
// the display name derived from its id) instead of opening a second one the customer could also be invited to accept.
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM } from '../support/teams-users';

const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const ROLES = ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', '158c047a-c907-4556-b7ef-446551a6b5f7'];
/** Graph's create call (POST on the collection, not on one relationship's requests or assignments). */
const CREATE = { method: 'POST', pathIncludes: '/tenantRelationships/delegatedAdminRelationships' } as const;

type Action = { type?: string; verb?: string; data?: Record<string, unknown> };

describe('a GDAP relationship is created once per request, across a crash', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl, locale: 'en-US' });
  const cardsToSam = () => h.connector.to(SAM.conversationId).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c));
  const textsToSam = () => h.connector.to(SAM.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const northwindRelationships = () => h.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId === NORTHWIND);
  const creates = () => h.sandbox.requests.filter((r) => r.method === 'POST' && /\/delegatedAdminRelationships$/i.test(r.path));

  /** GDAP mode; `retries`: the cloud clients' pipeline retries (0: one create call is one POST). */
  const start = async (retries = 0) => {
    h = await startHarness({ RELATIONSHIP_MODE: 'gdap', GDAP_ROLES: ROLES.join(','), GDAP_SECURITY_GROUPS: AZURE_MANAGERS }, { retryOptions: { maxRetries: retries, retryDelayInMs: 10, maxRetryDelayInMs: 10 } });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  };
  afterEach(async () => h?.stop());

  const askAndConfirm = async () => {
    await h.post(messageFrom(SAM, "give Nina Contributor on Northwind's subscription", opts()));
    const requestId = (cardsToSam().at(-1)?.actions as Action[] | undefined)?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${cardText(cardsToSam().at(-1))}`);
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    return requestId;
  };
  const stored = async (id: string) => h.bot.store.requests.get(id as never);

  it('when Graph created the relationship and the bot died before it locked or recorded it, then after a restart the request sends that one, on record once, and Northwind has exactly one', async () => {
    // Arrange: the create goes through; the next call (the lock for approval) never does: the process is gone
    await start();
    h.sandbox.faults.add({ method: 'POST', pathIncludes: '/requests', status: 500 });
    const requestId = await askAndConfirm();
    expect(northwindRelationships().map((r) => r.status)).toEqual(['created']);
    expect((await stored(requestId))?.relationship?.relationshipId).toBeUndefined();

    // Act: a new process on the same store; the watcher takes the waiting request up again
    await h.restart();
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: still one relationship for Northwind, locked for approval, and it is the one Sam's invitation names
    const relationships = northwindRelationships();
    expect(relationships).toHaveLength(1);
    const [relationship] = relationships;
    expect(relationship?.status).toBe('approvalPending');
    const request = await stored(requestId);
    expect(request?.state).toBe('awaiting_relationship');
    expect(request?.relationship?.relationshipId).toBe(relationship?.id);
    expect(cardsToSam().map((c) => cardText(c)).filter((t) => t.includes('granularAdminRelationships/'))).toEqual([expect.stringContaining(`granularAdminRelationships/${relationship?.id ?? '?'}`)]);
    // …and the creation is on record once, for that relationship
    const created = (await h.bot.store.audit.list(requestId)).filter((e) => e.event === 'gdap_relationship_created');
    expect(created.map((e) => e.detail?.relationshipId)).toEqual([relationship?.id]);
  });

  it('when Graph created the relationship, the bot died before locking and recording it, and another partner relationship waits for Northwind, then the resumed request still sends its own', async () => {
    // Arrange: the create goes through, the lock for approval fails (the process is gone before it recorded anything)
    await start();
    h.sandbox.faults.add({ method: 'POST', pathIncludes: '/requests', status: 500 });
    const requestId = await askAndConfirm();
    const [own] = northwindRelationships();
    if (!own) throw new Error('no relationship was created');
    expect(own.status).toBe('created');
    // …and meanwhile a partner admin opened one of their own for Northwind (Global Administrator), awaiting approval
    const other = { ...structuredClone(own), id: `${own.id}-admin`, displayName: 'Northwind full admin (by hand)', status: 'approvalPending' as const, roles: [GLOBAL_ADMINISTRATOR], accessAssignments: [] };
    h.sandbox.state.gdapRelationships.push(other);

    // Act
    await h.restart();
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: the request's own relationship is locked and sent; nothing else was created; the admin's is left alone
    expect(northwindRelationships().map((r) => [r.id, r.status])).toEqual([[own.id, 'approvalPending'], [other.id, 'approvalPending']]);
    expect((await stored(requestId))?.relationship?.relationshipId).toBe(own.id);
  });

  it('when a partner admin\'s relationship asking for Global Administrator already waits for Northwind, then the request opens and sends its own, with the configured roles only', async () => {
    // Arrange: opened by hand in Partner Center, waiting for Northwind's approval, before any request
    await start();
    const now = new Date().toISOString();
    h.sandbox.state.gdapRelationships.push({
      id: 'admin-full-0000-0000-000000000001', displayName: 'Northwind full admin (by hand)', customerTenantId: NORTHWIND, customerDisplayName: 'Northwind Traders',
      status: 'approvalPending', duration: 'P730D', createdDateTime: now, lastModifiedDateTime: now, activatedDateTime: null, endDateTime: null, autoExtendDuration: 'PT0S',
      roles: [GLOBAL_ADMINISTRATOR], accessAssignments: [],
    });

    // Act
    const requestId = await askAndConfirm();

    // Assert: Sam's invitation names the request's own relationship, which asks for the configured roles and nothing more
    const own = northwindRelationships().find((r) => r.displayName === `Northwind Traders ${requestId.replace(/-/g, '')}`);
    expect(own?.roles).toEqual(ROLES);
    expect((await stored(requestId))?.relationship?.relationshipId).toBe(own?.id);
    const invitations = cardsToSam().map((c) => cardText(c)).filter((t) => t.includes('granularAdminRelationships/'));
    expect(invitations).toEqual([expect.stringContaining(`granularAdminRelationships/${own?.id ?? '?'}`)]);
    expect(invitations.join(' ')).not.toContain('admin-full');
  });

  it('when the request\'s own relationship was terminated before the request resumed, then a new one is created under the next name and sent, and the ended one is not', async () => {
    // Arrange: created, the bot gone before locking it; then a partner admin terminates that relationship
    await start();
    h.sandbox.faults.add({ method: 'POST', pathIncludes: '/requests', status: 500 });
    const requestId = await askAndConfirm();
    const [ended] = northwindRelationships();
    if (!ended) throw new Error('no relationship was created');
    ended.status = 'terminated';

    // Act
    await h.restart();
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: one live relationship, named after the request with a 2, and it is the one sent
    const live = northwindRelationships().filter((r) => r.status !== 'terminated');
    expect(ended.displayName).toBe(`Northwind Traders ${requestId.replace(/-/g, '')}`);
    expect(live.map((r) => [r.displayName, r.status])).toEqual([[`Northwind Trade ${requestId.replace(/-/g, '')} 2`, 'approvalPending']]);
    expect((await stored(requestId))?.relationship?.relationshipId).toBe(live[0]?.id);
  });

  it('when the create answer is lost and the bot asks Graph again, then the retry finds the relationship by its name and the invitation goes out at once, without telling Sam it failed', async () => {
    // Arrange: Graph creates, the answer is lost; the pipeline's retry of the POST meets Graph's duplicate-name refusal
    await start(1);
    h.sandbox.faults.add({ ...CREATE, status: 500, after: true });

    // Act
    const requestId = await askAndConfirm();

    // Assert: two POSTs, one relationship, and the request already waits on it with the invitation sent
    const [first, retry] = creates();
    expect([first?.status, creates().length]).toEqual([500, 2]);
    // Graph keeps display names unique across the partner's relationships: the retry is refused (a 4xx), not a second
    expect(retry?.status).toBeGreaterThanOrEqual(400);
    expect(retry?.status).toBeLessThan(500);
    const relationships = northwindRelationships();
    expect(relationships).toHaveLength(1);
    expect((await stored(requestId))?.relationship?.relationshipId).toBe(relationships[0]?.id);
    expect(cardsToSam().some((c) => cardText(c).includes(`granularAdminRelationships/${relationships[0]?.id ?? '?'}`))).toBe(true);
    expect(textsToSam().some((t) => /could not prepare the relationship request/i.test(t))).toBe(false);
  });
});
