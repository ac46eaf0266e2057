// The store contract: what every Store (SQLite, Table Storage) must do, as one suite each store's test file runs.
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId } from '../../src/domain/ids';
import { instanceProcessHolder } from '../../src/store/lease-holder';
import type { Change, OutboxMessage, Store } from '../../src/store/ports';
import type { CardMessage, StoredConversation } from '../../src/store/request-store';
import { CONTOSO, FABRIKAM, makeRequest } from './store-fixtures';

/** What someone with write access to the backing data can do to the audit entries, bypassing the store. */
export interface AuditTamper {
  /** Changes the event name of the stored entry with this hash, and nothing else. */
  editEvent(hash: string, event: string): Promise<void>;
  /** Deletes the stored entry with this hash. */
  remove(hash: string): Promise<void>;
}

export interface StoreUnderTest {
  readonly store: Store;
  /** A second instance on the same backing data: another bot process. */
  another(): Promise<Store>;
  readonly tamper: AuditTamper;
  /** Closes every instance and removes the backing data. */
  close(): Promise<void>;
}

const minute = (n: number): string => new Date(Date.UTC(2025, 2, 1, 9, n)).toISOString();

/** The request after one more change: the next version, changed at `at`. */
const next = (request: AccessRequest, at: string, changes: Partial<AccessRequest> = {}): AccessRequest =>
  ({ ...request, ...changes, version: request.version + 1, updatedAt: at });

const message = (request: AccessRequest, kind: OutboxMessage['kind'] = 'request_changed'): OutboxMessage =>
  ({ kind, requestId: request.id, payload: { request } });

/** A change as the use cases write it: the request, an entry by its requester, and the messages it causes. */
const change = (request: AccessRequest, event: string, outbox: readonly OutboxMessage[] = [], detail?: Record<string, unknown>): Change => ({
  request,
  audit: { requestId: request.id, event, actor: request.requester.id, at: request.updatedAt, ...(detail ? { detail } : {}) },
  outbox,
});

const ALICE_CHAT: StoredConversation = { userId: 'u-alice', channelUserId: '29:alice', reference: '{"conversation":{"id":"a:1"}}', locale: 'en', updatedAt: minute(1) };

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`the store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    /** A request stored as version 1 (a draft), then moved on to each of `states` in turn, a minute apart. */
    async function stored(id: string, overrides: Partial<AccessRequest> = {}, ...states: AccessRequest['state'][]): Promise<AccessRequest> {
      let request = makeRequest(id, overrides);
      expect(await store.changes.record(change(request, 'drafted'))).toBe(true);
      for (const state of states) {
        const at = new Date(Date.parse(request.updatedAt) + 60_000).toISOString();
        request = next(request, at, { state, ...(state === 'pending_approval' ? { pendingSince: at } : {}) });
        expect(await store.changes.record(change(request, state))).toBe(true);
      }
      return request;
    }

    describe('changes', () => {
      it('when a new request is recorded, then it reads back with its audit entry and its messages pending', async () => {
        // Arrange
        const request = makeRequest('r-new');
        // Act
        const recorded = await store.changes.record(change(request, 'drafted', [message(request, 'approval_requested')], { via: 'chat' }));
        // Assert
        expect(recorded).toBe(true);
        expect(await store.requests.get(request.id)).toEqual(request);
        const entries = await store.audit.list(request.id);
        expect(entries).toEqual([expect.objectContaining({ requestId: request.id, event: 'drafted', detail: { via: 'chat' }, customer: CONTOSO })]);
        const pending = await store.outbox.pending(10);
        expect(pending.map((m) => [m.kind, m.requestId, m.payload, m.delivered])).toEqual([['approval_requested', request.id, { request }, []]]);
      });

      it('when a change is based on the stored version, then it is stored with its entry', async () => {
        const draft = await stored('r-cas');
        const pending = next(draft, minute(5), { state: 'pending_approval', pendingSince: minute(5) });
        expect(await store.changes.record(change(pending, 'confirmed'))).toBe(true);
        expect(await store.requests.get(draft.id)).toEqual(pending);
        expect((await store.audit.list(draft.id)).map((entry) => entry.event)).toEqual(['drafted', 'confirmed']);
      });

      it('when two changes are based on the same version, then the first wins and the second writes nothing', async () => {
        // Arrange
        const draft = await stored('r-lost');
        const confirmed = next(draft, minute(5), { state: 'pending_approval', pendingSince: minute(5) });
        const cancelled = next(draft, minute(6), { state: 'cancelled' });
        // Act
        const results = [
          await store.changes.record(change(confirmed, 'confirmed', [message(confirmed, 'approval_requested')])),
          await store.changes.record(change(cancelled, 'cancelled', [message(cancelled)])),
        ];
        // Assert
        expect(results).toEqual([true, false]);
        expect((await store.requests.get(draft.id))?.state).toBe('pending_approval');
        expect((await store.audit.list(draft.id)).map((entry) => entry.event)).toEqual(['drafted', 'confirmed']);
        expect((await store.outbox.pending(10)).map((m) => m.kind)).toEqual(['approval_requested']);
      });

      it('when a version-1 request reuses a stored id, then it is refused and nothing is written', async () => {
        await stored('r-dup');
        const again = makeRequest('r-dup', { justification: 'second' });
        expect(await store.changes.record(change(again, 'drafted', [message(again)]))).toBe(false);
        expect((await store.requests.get(again.id))?.justification).toBeUndefined();
        expect(await store.audit.list(again.id)).toHaveLength(1);
        expect(await store.outbox.pending(10)).toEqual([]);
      });

      it('when a change names a version after one that was never stored, then it is refused', async () => {
        const ghost = next(makeRequest('r-ghost'), minute(3), { state: 'pending_approval' });
        expect(await store.changes.record(change(ghost, 'confirmed'))).toBe(false);
        expect(await store.requests.get(ghost.id)).toBeUndefined();
        expect(await store.audit.list(ghost.id)).toEqual([]);
      });

      it.each([
        ['its message cannot be stored', (request: AccessRequest): Change => change(request, 'confirmed', [{ kind: 'request_changed', requestId: request.id, payload: { big: 10n } }])],
        ['its audit entry cannot be stored', (request: AccessRequest): Change => {
          const cyclic: Record<string, unknown> = {};
          cyclic.self = cyclic;
          return change(request, 'confirmed', [message(request)], cyclic);
        }],
      ])('when %s, then the change throws and nothing of it is written', async (_what, build) => {
        // Arrange
        const draft = await stored('r-atomic');
        const confirmed = next(draft, minute(5), { state: 'pending_approval', pendingSince: minute(5) });
        // Act
        const attempt = store.changes.record(build(confirmed));
        // Assert
        await expect(attempt).rejects.toThrow();
        expect(await store.requests.get(draft.id)).toEqual(draft);
        expect(await store.audit.list(draft.id)).toHaveLength(1);
        expect(await store.outbox.pending(10)).toEqual([]);
        expect(await store.requests.listDue(['pending_approval'], minute(59), 10)).toEqual([]);
      });

      it('when an event names a stored request, then its entry is listed with that request and its customer is the request\'s', async () => {
        const draft = await stored('r-refused', { customer: FABRIKAM });
        const recorded = await store.changes.record({
          audit: { requestId: draft.id, event: 'refused_approve', actor: 'u-mallory', at: minute(7), customer: CONTOSO, detail: { reason: 'not_an_approver' } },
        });
        expect(recorded).toBe(true);
        expect((await store.audit.list(draft.id)).map((entry) => [entry.event, entry.customer?.tenantId])).toEqual([
          ['drafted', FABRIKAM.tenantId], ['refused_approve', FABRIKAM.tenantId],
        ]);
        expect(await store.requests.get(draft.id)).toEqual(draft);
      });

      it('when events name no stored request, then they are audited with the customer given, or with none', async () => {
        await store.changes.record({ audit: { event: 'relationship_requested', actor: 'u-sam', at: minute(1), customer: CONTOSO }, outbox: [{ kind: 'relationship_invitation', requestId: requestId('r-later'), payload: { url: 'https://example.test/accept' } }] });
        await store.changes.record({ audit: { event: 'refused_tenant', actor: 'u-eve', at: minute(2), detail: { tenant: null } } });
        await store.changes.record({ audit: { requestId: 'r-forged', event: 'refused_approve', actor: 'u-eve', at: minute(3) } });
        expect((await store.audit.list()).map((entry) => [entry.event, entry.customer?.tenantId ?? null])).toEqual([
          ['relationship_requested', CONTOSO.tenantId], ['refused_tenant', null], ['refused_approve', null],
        ]);
        expect((await store.audit.list('r-forged')).map((entry) => entry.event)).toEqual(['refused_approve']);
        expect((await store.outbox.pending(10)).map((m) => [m.kind, m.payload])).toEqual([['relationship_invitation', { url: 'https://example.test/accept' }]]);
        expect(await store.audit.verify()).toEqual({ ok: true, entries: 3 });
      });
    });

    describe('audit', () => {
      it('when entries are filtered, then each criterion holds and they come oldest first', async () => {
        // Arrange
        const contoso = await stored('r-c', {}, 'pending_approval');
        const fabrikam = await stored('r-f', { customer: FABRIKAM, createdAt: minute(10), updatedAt: minute(10) });
        await store.changes.record({ audit: { event: 'relationship_requested', actor: 'u-sam', at: minute(20), customer: CONTOSO } });
        // Act
        const all = await store.audit.list();
        const byTenant = await store.audit.list({ customerTenantId: CONTOSO.tenantId.toUpperCase() });
        const byName = await store.audit.list({ customerName: 'FABRIKAM' });
        const since = await store.audit.list({ since: minute(10) });
        const latest = await store.audit.list({ customerTenantId: CONTOSO.tenantId, latest: 2 });
        // Assert
        const events = (entries: readonly { event: string; requestId?: string }[]): string[] => entries.map((e) => `${e.requestId ?? '-'}:${e.event}`);
        expect(events(all)).toEqual(['r-c:drafted', 'r-c:pending_approval', 'r-f:drafted', '-:relationship_requested']);
        expect(events(byTenant)).toEqual(['r-c:drafted', 'r-c:pending_approval', '-:relationship_requested']);
        expect(events(byName)).toEqual(['r-f:drafted']);
        expect(events(since)).toEqual(['r-f:drafted', '-:relationship_requested']);
        expect(events(latest)).toEqual(['r-c:pending_approval', '-:relationship_requested']);
        expect(all.map((entry) => entry.at)).toEqual([minute(0), minute(1), minute(10), minute(20)]);
        expect([contoso.version, fabrikam.version]).toEqual([2, 1]);
      });

      it('when nobody touched the entries, then the chain verifies; when one is edited or deleted, then it does not', async () => {
        // Arrange
        await stored('r-v1', {}, 'pending_approval', 'approved');
        await stored('r-v2', {}, 'pending_approval');
        await store.changes.record({ audit: { event: 'refused_tenant', actor: 'u-eve', at: minute(9) } });
        const entries = await store.audit.list('r-v1');
        const [, second, third] = entries;
        if (!second || !third) throw new Error('expected three entries');
        // Act / Assert
        expect(await store.audit.verify()).toEqual({ ok: true, entries: 6 });
        await subject.tamper.editEvent(second.hash, 'rejected');
        expect(await store.audit.verify()).toMatchObject({ ok: false, firstBadSeq: second.seq });
        await subject.tamper.editEvent(second.hash, second.event);
        expect(await store.audit.verify()).toEqual({ ok: true, entries: 6 });
        await subject.tamper.remove(third.hash);
        expect(await store.audit.verify()).toMatchObject({ ok: false, firstBadSeq: third.seq });
      });
    });

    describe('requests', () => {
      it('when jobs ask what is due, then they get only requests in those states due by then, oldest due first, at most the limit', async () => {
        // Arrange: pendingSince minute 1 (r-p1), 2 (r-p2), 3 (r-p3); r-a active until minute 30; a draft; one decided.
        const p1 = await stored('r-p1', {}, 'pending_approval');
        const p3 = await stored('r-p3', { createdAt: minute(2), updatedAt: minute(2) }, 'pending_approval');
        const p2 = await stored('r-p2', { createdAt: minute(1), updatedAt: minute(1) }, 'pending_approval');
        const active = await stored('r-a', { expiresAt: minute(30) }, 'pending_approval', 'approved', 'provisioning', 'active');
        await stored('r-d');
        const decided = await stored('r-x', {}, 'pending_approval');
        await store.changes.record(change(next(decided, minute(4), { state: 'rejected' }), 'rejected'));
        // Act / Assert
        const ids = (requests: readonly AccessRequest[]): string[] => requests.map((r) => r.id);
        expect(ids(await store.requests.listDue(['pending_approval'], minute(2), 10))).toEqual([p1.id, p2.id]);
        expect(ids(await store.requests.listDue(['pending_approval'], minute(59), 2))).toEqual([p1.id, p2.id]);
        expect(ids(await store.requests.listDue(['pending_approval', 'active'], minute(59), 10))).toEqual([p1.id, p2.id, p3.id, active.id]);
        expect(ids(await store.requests.listDue(['active'], minute(29), 10))).toEqual([]);
        expect(await store.requests.listDue(['pending_approval'], minute(59), 0)).toEqual([]);
        expect(await store.requests.listDue([], minute(59), 10)).toEqual([]);
      });

      it('when a due request changes, then the jobs see it as it is now', async () => {
        const waiting = await stored('r-moved', {}, 'pending_approval');
        const approved = next(waiting, minute(8), { state: 'approved' });
        await store.changes.record(change(approved, 'approved'));
        expect(await store.requests.listDue(['pending_approval'], minute(59), 10)).toEqual([]);
        expect(await store.requests.listDue(['approved'], minute(59), 10)).toEqual([approved]);
        expect(await store.requests.listDue(['approved'], minute(7), 10)).toEqual([]);
      });

      it('when requests are listed by state, then the oldest change comes first', async () => {
        await stored('r-s1', {}, 'pending_approval');
        await stored('r-s2', { createdAt: minute(0), updatedAt: minute(0) });
        await stored('r-s3', { createdAt: minute(2), updatedAt: minute(2) }, 'pending_approval');
        expect((await store.requests.listByState(['pending_approval'])).map((r) => r.id)).toEqual(['r-s1', 'r-s3']);
        expect((await store.requests.listByState(['pending_approval', 'draft'])).map((r) => r.id)).toEqual(['r-s2', 'r-s1', 'r-s3']);
        expect(await store.requests.listByState([])).toEqual([]);
      });

      it('when requests are listed with a filter, then every criterion holds, newest change first, at most the limit', async () => {
        // Arrange
        const bob = { id: principalId('5a0e0002-0000-4000-8000-000000000002'), name: 'Bob' };
        const otherSubscription = { id: subscriptionId('C0000002-5B50-4000-8000-000000000002'), name: 'dev' };
        await stored('r-l1', {}, 'pending_approval');
        await stored('r-l2', { createdAt: minute(3), updatedAt: minute(3), requester: bob });
        await stored('r-l3', { createdAt: minute(4), updatedAt: minute(4), customer: FABRIKAM });
        await stored('r-l4', { createdAt: minute(5), updatedAt: minute(5), subscription: otherSubscription });
        const ids = async (filter: Parameters<Store['requests']['listRequests']>[0]): Promise<string[]> =>
          (await store.requests.listRequests(filter)).map((r) => r.id);
        // Act / Assert
        expect(await ids({})).toEqual(['r-l4', 'r-l3', 'r-l2', 'r-l1']);
        expect(await ids({ requesterId: bob.id })).toEqual(['r-l2']);
        expect(await ids({ customerTenantId: CONTOSO.tenantId.toUpperCase() })).toEqual(['r-l4', 'r-l2', 'r-l1']);
        expect(await ids({ subscriptionId: otherSubscription.id.toLowerCase() })).toEqual(['r-l4']);
        expect(await ids({ states: ['pending_approval'] })).toEqual(['r-l1']);
        expect(await ids({ states: [] })).toEqual([]);
        expect(await ids({ customerTenantId: CONTOSO.tenantId, limit: 2 })).toEqual(['r-l4', 'r-l2']);
        await expect(store.requests.listRequests({ limit: -1 })).rejects.toThrow(RangeError);
      });

      it('when a listed request changes, then every listing shows it once, as it is now, and another instance sees the same', async () => {
        // Arrange: r-m1 goes draft → pending → approved → active; r-m2 stays pending; r-m3 is Fabrikam's.
        const bob = { id: principalId('5a0e0002-0000-4000-8000-000000000002'), name: 'Bob' };
        const moved = await stored('r-m1', { expiresAt: minute(50) }, 'pending_approval', 'approved', 'active');
        const waiting = await stored('r-m2', { createdAt: minute(1), updatedAt: minute(1) }, 'pending_approval');
        await stored('r-m3', { customer: FABRIKAM, requester: bob }, 'pending_approval');
        const other = await subject.another();
        const ids = (requests: readonly AccessRequest[]): string[] => requests.map((r) => r.id);
        // Act / Assert
        for (const reader of [store, other]) {
          expect(ids(await reader.requests.listByState(['pending_approval']))).toEqual(['r-m3', 'r-m2']);
          expect(await reader.requests.listByState(['active'])).toEqual([moved]);
          expect(await reader.requests.listByState(['approved'])).toEqual([]);
          expect(ids(await reader.requests.listRequests({ requesterId: moved.requester.id }))).toEqual(['r-m1', 'r-m2']);
          expect(ids(await reader.requests.listRequests({ requesterId: moved.requester.id, states: ['pending_approval', 'approved'] }))).toEqual(['r-m2']);
          expect(await reader.requests.listRequests({ customerTenantId: CONTOSO.tenantId, states: ['active'] })).toEqual([moved]);
          expect(ids(await reader.requests.listRequests({ customerTenantId: FABRIKAM.tenantId.toUpperCase() }))).toEqual(['r-m3']);
          expect(ids(await reader.requests.listRequests({ states: ['pending_approval'], limit: 1 }))).toEqual(['r-m2']);
          expect(ids(await reader.requests.listDue(['active'], minute(59), 10))).toEqual(['r-m1']);
          // (Which entries; their order when recording order and times differ is each store's own.)
          expect((await reader.audit.list({ customerTenantId: CONTOSO.tenantId })).map((e) => `${e.requestId ?? '-'}:${e.event}`).sort()).toEqual([
            'r-m1:active', 'r-m1:approved', 'r-m1:drafted', 'r-m1:pending_approval', 'r-m2:drafted', 'r-m2:pending_approval',
          ]);
        }
        expect(waiting.version).toBe(2);
      });

      it('when several requests changed at the same time and the limit falls among them, then the most recently created come first', async () => {
        // Arrange: three changed at minute 9, recorded in the order they were created (r-ta first); one changed earlier.
        for (const [id, created, changed] of [['r-t0', 0, 5], ['r-ta', 1, 9], ['r-tb', 2, 9], ['r-tc', 3, 9]] as const) {
          await store.changes.record(change(makeRequest(id, { createdAt: minute(created), updatedAt: minute(changed) }), 'drafted'));
        }
        const ids = async (filter: Parameters<Store['requests']['listRequests']>[0]): Promise<string[]> =>
          (await store.requests.listRequests(filter)).map((r) => r.id);
        // Act / Assert
        expect(await ids({ customerTenantId: CONTOSO.tenantId, limit: 2 })).toEqual(['r-tc', 'r-tb']);
        expect(await ids({ requesterId: makeRequest('x').requester.id, limit: 4 })).toEqual(['r-tc', 'r-tb', 'r-ta', 'r-t0']);
        expect(await ids({ states: ['draft'], limit: 1 })).toEqual(['r-tc']);
      });
    });

    describe('conversations and cards', () => {
      it('when a conversation is saved again, then the newer one replaces it', async () => {
        await store.conversations.save(ALICE_CHAT);
        const moved = { ...ALICE_CHAT, reference: '{"conversation":{"id":"a:2"}}', locale: 'fr' as const, updatedAt: minute(2) };
        await store.conversations.save(moved);
        expect(await store.conversations.get('u-alice')).toEqual(moved);
        expect(await store.conversations.get('u-nobody')).toBeUndefined();
      });

      it('when cards are added, then they are listed in the order they were sent, each once', async () => {
        const card = (activityId: string, role: CardMessage['role'] = 'approver'): CardMessage =>
          ({ requestId: requestId('r-cards'), userId: `u-${activityId}`, conversationId: `a:${activityId}`, activityId, role });
        await store.cards.add(card('3', 'requester'));
        await store.cards.add(card('1'));
        await store.cards.add(card('2'));
        await store.cards.add(card('1'));
        expect(await store.cards.list(requestId('r-cards'))).toEqual([card('3', 'requester'), card('1'), card('2')]);
        expect(await store.cards.list(requestId('r-none'))).toEqual([]);
      });
    });

    describe('outbox', () => {
      it('when messages are pending, then they come in the order their changes were recorded, at most the limit', async () => {
        const first = makeRequest('r-o1');
        const second = makeRequest('r-o2');
        await store.changes.record(change(first, 'drafted', [message(first, 'approval_requested'), message(first)]));
        await store.changes.record(change(second, 'drafted', [message(second, 'approval_requested')]));
        const third = next(first, minute(3), { state: 'cancelled' });
        await store.changes.record(change(third, 'cancelled', [message(third)]));
        const order = (await store.outbox.pending(10)).map((m) => `${m.requestId}:${m.kind}`);
        expect(order).toEqual(['r-o1:approval_requested', 'r-o1:request_changed', 'r-o2:approval_requested', 'r-o1:request_changed']);
        expect((await store.outbox.pending(2)).map((m) => `${m.requestId}:${m.kind}`)).toEqual(order.slice(0, 2));
        expect(await store.outbox.pending(0)).toEqual([]);
      });

      it('when a message reached some recipients, then a resend knows whom, and the card it showed on is indexed', async () => {
        // Arrange
        const request = makeRequest('r-send');
        await store.changes.record(change(request, 'drafted', [message(request, 'approval_requested')]));
        const [pending] = await store.outbox.pending(10);
        if (!pending) throw new Error('expected a pending message');
        const card: CardMessage = { requestId: request.id, userId: 'u-ann', conversationId: 'a:ann', activityId: 'act-1', role: 'approver' };
        // Act
        await store.outbox.delivered(pending.id, 'u-ann', card);
        await store.outbox.delivered(pending.id, 'u-ann', card);
        await store.outbox.delivered(pending.id, 'channel:approvers');
        // Assert
        const [again] = await store.outbox.pending(10);
        expect(again?.id).toBe(pending.id);
        expect([...(again?.delivered ?? [])].sort()).toEqual(['channel:approvers', 'u-ann']);
        expect(await store.cards.list(request.id)).toEqual([card]);
      });

      it('when a message is done, then it leaves the outbox and the next one is first', async () => {
        const request = makeRequest('r-done');
        await store.changes.record(change(request, 'drafted', [message(request, 'approval_requested'), message(request)]));
        const [first, second] = await store.outbox.pending(10);
        if (!first || !second) throw new Error('expected two pending messages');
        await store.outbox.done(first.id);
        expect((await store.outbox.pending(10)).map((m) => m.id)).toEqual([second.id]);
        await store.outbox.done(second.id);
        expect(await store.outbox.pending(10)).toEqual([]);
      });
    });

    describe('pending answers', () => {
      it('when a question is kept and then taken, then it comes back once, and a second take finds nothing', async () => {
        await store.pending.put('question:u-1', { question: { action: 'grant', missing: ['role'] } }, minute(20));
        expect(await store.pending.take('question:u-1', minute(5))).toEqual({ question: { action: 'grant', missing: ['role'] } });
        expect(await store.pending.take('question:u-1', minute(5))).toBeUndefined();
      });

      it('when the answer comes after the question expired, or for a key never kept, then there is nothing to take', async () => {
        await store.pending.put('choice:c-1', { userId: 'u-1' }, minute(10));
        expect(await store.pending.take('choice:c-1', minute(11))).toBeUndefined();
        expect(await store.pending.take('choice:never', minute(1))).toBeUndefined();
      });

      it('when a choice is kept again under the same key, then the newer value replaces the older', async () => {
        await store.pending.put('question:u-2', { n: 1 }, minute(10));
        await store.pending.put('question:u-2', { n: 2 }, minute(10));
        expect(await store.pending.take('question:u-2', minute(1))).toEqual({ n: 2 });
      });

      it('when two instances take one choice at the same time, then exactly one gets it', async () => {
        const other = await subject.another();
        await store.pending.put('choice:c-race', { userId: 'u-1' }, minute(30));
        const taken = await Promise.all([store.pending.take('choice:c-race', minute(1)), other.pending.take('choice:c-race', minute(1))]);
        expect(taken.filter((value) => value !== undefined)).toEqual([{ userId: 'u-1' }]);
      });
    });

    describe('leases', () => {
      const TTL = 2 * 60_000;

      it('when a lease is free, then its holder gets it and another does not until it runs out', async () => {
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(0))).toBe(true);
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(1))).toBe(false);
        // Another name is another lease.
        expect(await store.leases.acquire('expiry', 'bot-b', TTL, minute(1))).toBe(true);
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(2))).toBe(true);
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(3))).toBe(false);
      });

      it('when the holder renews, then the lease runs a ttl from the renewal', async () => {
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(0))).toBe(true);
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(1))).toBe(true);
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(2))).toBe(false);
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(3))).toBe(true);
      });

      it('when the holder releases, then another gets it at once; a release by someone else frees nothing', async () => {
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(0))).toBe(true);
        await store.leases.release('outbox', 'bot-b');
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(0))).toBe(false);
        await store.leases.release('outbox', 'bot-a');
        expect(await store.leases.acquire('outbox', 'bot-b', TTL, minute(0))).toBe(true);
        // bot-a's late release (its lease is gone) leaves bot-b's in place.
        await store.leases.release('outbox', 'bot-a');
        expect(await store.leases.acquire('outbox', 'bot-a', TTL, minute(1))).toBe(false);
      });

      it('when a one-off claim is released with its row, then another takes it at once; a removal by someone else removes nothing', async () => {
        const other = await subject.another();
        expect(await store.leases.acquire('provision:r-1', 'bot-a', TTL, minute(0))).toBe(true);
        await other.leases.release('provision:r-1', 'bot-b', { remove: true });
        expect(await other.leases.acquire('provision:r-1', 'bot-b', TTL, minute(0))).toBe(false);
        await store.leases.release('provision:r-1', 'bot-a', { remove: true });
        expect(await other.leases.acquire('provision:r-1', 'bot-b', TTL, minute(0))).toBe(true);
        // bot-a's late removal (its claim is gone) leaves bot-b's in place, and so does its late renewal.
        await store.leases.release('provision:r-1', 'bot-a', { remove: true });
        expect(await store.leases.acquire('provision:r-1', 'bot-a', TTL, minute(1))).toBe(false);
        expect(await other.leases.acquire('provision:r-1', 'bot-b', TTL, minute(1))).toBe(true);
      });

      it('when an instance that held a lease stops without releasing it (a crash), then another instance takes it once it ran out', async () => {
        const crashed = await subject.another();
        expect(await crashed.leases.acquire('expiry', 'bot-crashed', TTL, minute(0))).toBe(true);
        expect(await store.leases.acquire('expiry', 'bot-a', TTL, minute(1))).toBe(false);
        expect(await store.leases.acquire('expiry', 'bot-a', TTL, minute(2))).toBe(true);
        // The crashed holder's renewal (a process that was only paused) is refused: the lease is another's now.
        expect(await crashed.leases.acquire('expiry', 'bot-crashed', TTL, minute(2))).toBe(false);
        expect(await store.leases.acquire('expiry', 'bot-a', TTL, minute(3))).toBe(true);
      });

      it('when a process restarted on the same App Service instance asks for its killed predecessor\'s lease, then it gets it at once; other instances still wait', async () => {
        const killed = await subject.another();
        const started = (minutes: number) => new Date(minute(minutes));
        const predecessor = instanceProcessHolder('instance-1', started(0), 'pid-100');
        const restarted = instanceProcessHolder('instance-1', started(4), 'pid-200');
        const elsewhere = instanceProcessHolder('instance-2', started(5), 'pid-300');
        expect(await killed.leases.acquire('outbox', predecessor, TTL, minute(0))).toBe(true);
        expect(await store.leases.acquire('outbox', elsewhere, TTL, minute(1))).toBe(false);
        // The process that started later on instance-1 takes it long before the ttl ran out.
        expect(await store.leases.acquire('outbox', restarted, TTL, minute(1))).toBe(true);
        // The predecessor, were it only paused, is refused (never the other way round), and its release frees nothing.
        expect(await killed.leases.acquire('outbox', predecessor, TTL, minute(1))).toBe(false);
        await killed.leases.release('outbox', predecessor);
        expect(await store.leases.acquire('outbox', elsewhere, TTL, minute(1))).toBe(false);
        expect(await store.leases.acquire('outbox', restarted, TTL, minute(1))).toBe(true);
        // Holders without an instance (a bot outside App Service) never succeed one another.
        expect(await store.leases.acquire('expiry', 'bot-a', TTL, minute(0))).toBe(true);
        expect(await store.leases.acquire('expiry', instanceProcessHolder('bot-a', started(9), 'pid-1'), TTL, minute(1))).toBe(false);
      });

      it('when 20 holders on two instances race for a free lease, and then for the expired one, then exactly one wins each time', async () => {
        const other = await subject.another();
        const race = (at: string) => Promise.all(Array.from({ length: 20 }, (_, n) => ((n % 2 === 0 ? store : other).leases.acquire('outbox', `bot-${n}`, TTL, at))));
        const first = await race(minute(0));
        expect(first.filter(Boolean)).toHaveLength(1);
        const second = await race(minute(5));
        expect(second.filter(Boolean)).toHaveLength(1);
        // The second winner holds it now: the first one cannot renew.
        const firstWinner = first.indexOf(true);
        const secondWinner = second.indexOf(true);
        if (firstWinner !== secondWinner) expect(await (firstWinner % 2 === 0 ? store : other).leases.acquire('outbox', `bot-${firstWinner}`, TTL, minute(6))).toBe(false);
        expect(await (secondWinner % 2 === 0 ? store : other).leases.acquire('outbox', `bot-${secondWinner}`, TTL, minute(6))).toBe(true);
      }, 60_000);
    });

    describe('two instances', () => {
      it('when both instances record the very same change at once (one click arriving on each in the same millisecond), then one is told it was stored', async () => {
        // Arrange
        const other = await subject.another();
        const request = await stored('r-twice', {}, 'pending_approval');
        const approved = next(request, minute(9), { state: 'approved' });
        // Act: the same change, entry and all, byte for byte, from each instance, several times over.
        const results = await Promise.all(Array.from({ length: 6 }, (_, n) => (n % 2 === 0 ? store : other).changes.record(change(approved, 'approved', [message(approved)]))));
        // Assert
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.audit.list(request.id)).filter((entry) => entry.event === 'approved')).toHaveLength(1);
        expect(await store.outbox.pending(10)).toHaveLength(1);
      });

      it('when 50 contenders on two instances race to change one request, then each version is won once and the chain verifies', async () => {
        // Arrange
        const other = await subject.another();
        const instances = [store, other];
        const request = await stored('r-race', {}, 'pending_approval');
        // Act: each contender reads the request and changes it, up to three times, while refused clicks are audited.
        const wins: string[] = [];
        const contender = async (n: number): Promise<void> => {
          const on = instances[n % 2] ?? store;
          for (let attempt = 0; attempt < 3; attempt++) {
            const current = await on.requests.get(request.id);
            if (!current) throw new Error('the request vanished');
            const mine = next(current, minute(10 + (n % 40)), { justification: `contender ${n}` });
            if (await on.changes.record(change(mine, 'noted', [message(mine)], { contender: n, version: mine.version }))) {
              wins.push(`${n}@${mine.version}`);
              return;
            }
          }
        };
        const refusal = (n: number): Promise<boolean> => (instances[n % 2] ?? store).changes.record({
          audit: { requestId: request.id, event: 'refused_approve', actor: `u-${n}`, at: minute(50), detail: { n } },
        });
        await Promise.all([...Array.from({ length: 50 }, (_, n) => contender(n)), ...Array.from({ length: 10 }, (_, n) => refusal(n))]);
        // Assert
        const final = await other.requests.get(request.id);
        const noted = (await store.audit.list(request.id)).filter((entry) => entry.event === 'noted');
        expect(noted.map((entry) => entry.detail?.version)).toEqual(Array.from({ length: wins.length }, (_, i) => request.version + 1 + i));
        expect(final?.version).toBe(request.version + wins.length);
        expect(wins.length).toBeGreaterThan(0);
        expect(noted.map((entry) => `${String(entry.detail?.contender)}@${String(entry.detail?.version)}`).sort()).toEqual([...wins].sort());
        expect((await store.audit.list(request.id)).filter((entry) => entry.event === 'refused_approve')).toHaveLength(10);
        expect(await store.outbox.pending(1000)).toHaveLength(wins.length);
        expect(await other.audit.verify()).toEqual({ ok: true, entries: 2 + wins.length + 10 });
      }, 120_000);
    });
  });
}
