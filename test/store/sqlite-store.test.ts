// The durable store: compare-and-set on a version, survival across a restart, and the queries the chat views use.
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { RequestStore } from '../../src/store/request-store';
import { principalId, subscriptionId } from '../../src/domain/ids';
import { FABRIKAM, makeRequest, tempStorePath } from './store-fixtures';

describe('the SQLite request store', () => {
  let file: ReturnType<typeof tempStorePath>;
  const opened: RequestStore[] = [];
  const open = (): RequestStore => {
    const store = openSqliteStore(file.path);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    file = tempStorePath();
  });
  afterEach(() => {
    for (const store of opened.splice(0)) {
      try { store.close(); } catch { /* already closed by the test */ }
    }
    file.cleanup();
  });

  it('when two changes are based on the same version, then exactly one is stored', () => {
    // Arrange
    const store = open();
    const request = makeRequest('r-1');
    store.insert(request);
    // Act
    const first = store.update({ ...request, version: 2, state: 'pending_approval' });
    const second = store.update({ ...request, version: 2, state: 'cancelled' });
    // Assert
    expect([first, second]).toEqual([true, false]);
    expect(store.get(request.id)?.state).toBe('pending_approval');
  });

  it('when two bot instances share the file and race on one version, then one transition wins', () => {
    // Arrange
    const a = open();
    const b = open();
    const request = makeRequest('r-2', { state: 'pending_approval' });
    a.insert(request);
    // Act
    const results = [a.update({ ...request, version: 2, state: 'approved' }), b.update({ ...request, version: 2, state: 'rejected' })];
    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(b.get(request.id)?.state).toBe('approved');
  });

  it('when the same id is inserted twice, then the second insert throws', () => {
    const store = open();
    store.insert(makeRequest('r-3'));
    expect(() => store.insert(makeRequest('r-3'))).toThrow();
  });

  it('when the process restarts on the same file, then requests, conversations, card messages and audit are all there', () => {
    // Arrange
    const before = open();
    const request = makeRequest('r-4', { state: 'pending_approval', version: 2 });
    before.insert(request);
    before.saveConversation({ userId: 'u-1', channelUserId: '29:u1', reference: '{"conversation":{"id":"c1"}}', locale: 'fr', updatedAt: '2025-03-01T09:00:00.000Z' });
    before.addCardMessage({ requestId: request.id, userId: 'u-1', conversationId: 'c1', activityId: 'a1', role: 'approver' });
    before.appendAudit({ requestId: request.id, event: 'requested', actor: 'u-1', at: '2025-03-01T09:00:00.000Z' });
    before.close();
    // Act
    const after = open();
    // Assert
    expect(after.get(request.id)).toEqual(request);
    expect(after.getConversation('u-1')).toMatchObject({ channelUserId: '29:u1', locale: 'fr' });
    expect(after.listCardMessages(request.id)).toEqual([{ requestId: request.id, userId: 'u-1', conversationId: 'c1', activityId: 'a1', role: 'approver' }]);
    expect(after.listAudit(request.id).map((e) => e.event)).toEqual(['requested']);
    expect(after.verifyAudit()).toEqual({ ok: true, entries: 1 });
  });

  describe('listRequests', () => {
    const SAM = principalId('5a0e0001-0000-4000-8000-000000000001');
    const PAT = principalId('5a0e0001-0000-4000-8000-000000000009');
    const DEV = subscriptionId('c0000001-5b50-4000-8000-000000000002');
    let store: RequestStore;
    beforeEach(() => {
      store = open();
      store.insert(makeRequest('a', { state: 'pending_approval', updatedAt: '2025-03-01T10:00:00.000Z' }));
      store.insert(makeRequest('b', { state: 'active', updatedAt: '2025-03-02T10:00:00.000Z' }));
      store.insert(makeRequest('c', { state: 'pending_approval', requester: { id: PAT, name: 'Pat' }, updatedAt: '2025-03-03T10:00:00.000Z' }));
      store.insert(makeRequest('d', { customer: FABRIKAM, updatedAt: '2025-03-04T10:00:00.000Z' }));
      store.insert(makeRequest('e', { subscription: { id: DEV, name: 'dev' }, updatedAt: '2025-03-05T10:00:00.000Z' }));
    });

    it.each([
      ['my requests (newest first)', { requesterId: SAM }, ['e', 'd', 'b', 'a']],
      ['pending approvals', { states: ['pending_approval'] as const }, ['c', 'a']],
      ['Contoso prod', { customerTenantId: 'C0000000-0000-4000-8000-00000000C001', subscriptionId: 'c0000001-5b50-4000-8000-000000000001' }, ['c', 'b', 'a']],
      ['the last two', { limit: 2 }, ['e', 'd']],
      ['no state at all', { states: [] }, []],
    ])('when asked for %s, then the matching requests come back', (_name, filter, ids) => {
      expect(store.listRequests(filter).map((r) => r.id)).toEqual(ids);
    });
  });
});
