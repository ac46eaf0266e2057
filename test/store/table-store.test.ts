// The Table Storage store on Azurite: the store contract, and what only a network store has (entity limits, index hints, outages).
import type { IncomingMessage } from 'node:http';
import { odata, TableClient } from '@azure/data-tables';
import type { AccessRequest } from '../../src/domain/access-request';
import { StoreUnavailableError, type Store } from '../../src/store/ports';
import { openTableStore, type TableStoreOptions } from '../../src/store/table-store';
import { startAzurite } from '../support/azurite';
import { azuriteForThisFile } from '../support/azurite-per-file';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { describeStoreContract, type StoreUnderTest } from './store-contract';
import { makeRequest } from './store-fixtures';

const { azurite, freshTable } = azuriteForThisFile();

/** A fresh table per test (tables are cheap; Azurite is started once per file). */
async function openFresh(options: Partial<TableStoreOptions> = {}): Promise<StoreUnderTest & { client: TableClient; tableName: string }> {
  const tableName = freshTable('contract');
  // Azurite answers one request at a time (≈20 ms each on this shared machine): 60 racing writers queue for
  // seconds, so the deadline here is the emulator's, not Azure's.
  const settings: TableStoreOptions = { connectionString: azurite().connectionString, tableName, deadlineInMs: 60_000, ...options };
  const opened: Store[] = [await openTableStore(settings)];
  const client = TableClient.fromConnectionString(azurite().connectionString, tableName, { allowInsecureConnection: true });
  const auditEntity = async (hash: string): Promise<{ partitionKey: string; rowKey: string }> => {
    for await (const entity of client.listEntities({ queryOptions: { filter: odata`hash eq ${hash}` } })) {
      if (entity.partitionKey !== undefined && entity.rowKey !== undefined) return { partitionKey: entity.partitionKey, rowKey: entity.rowKey };
    }
    throw new Error(`no audit entry with hash ${hash}`);
  };
  const [store] = opened;
  if (!store) throw new Error('not opened');
  return {
    store,
    client,
    tableName,
    async another() {
      const instance = await openTableStore(settings);
      opened.push(instance);
      return instance;
    },
    tamper: {
      async editEvent(hash, event) {
        const { partitionKey, rowKey } = await auditEntity(hash);
        await client.updateEntity({ partitionKey, rowKey, event }, 'Merge');
      },
      async remove(hash) {
        const { partitionKey, rowKey } = await auditEntity(hash);
        await client.deleteEntity(partitionKey, rowKey);
      },
    },
    async close() {
      await Promise.all(opened.map((instance) => instance.close()));
      await client.deleteTable();
    },
  };
}

describeStoreContract('Azure Table Storage (Azurite)', () => openFresh());

describe('the Table store on Azurite', () => {
  let subject: Awaited<ReturnType<typeof openFresh>>;
  afterEach(async () => {
    await subject.close();
  });

  /** An index's rows (all indexes share the partition `index`; an index's RowKeys start with `<name>$`). */
  const rowsOf = async (index: string): Promise<string[]> => {
    const rows: string[] = [];
    const filter = odata`PartitionKey eq 'index' and RowKey ge ${`${index}$`} and RowKey lt ${`${index}%`}`;
    for await (const entity of subject.client.listEntities({ queryOptions: { filter } })) rows.push(entity.rowKey ?? '');
    return rows;
  };
  const pending = (request: AccessRequest, at: string): AccessRequest => ({ ...request, version: request.version + 1, state: 'pending_approval', pendingSince: at, updatedAt: at });

  it('when the audit entry cannot be written, then the service refuses the whole change and nothing of it is stored', async () => {
    // Arrange: the entry's place in the chain is taken by a row written around the store.
    subject = await openFresh();
    const { store } = subject;
    const draft = makeRequest('r-atomic');
    await store.changes.record({ request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } });
    await subject.client.createEntity({ partitionKey: 'r:r-atomic', rowKey: 'a:0000000002', seq: 2, event: 'planted' });
    const next = pending(draft, '2025-03-01T09:05:00.000Z');
    // Act: the request's own update would succeed on its own; the entry's create fails.
    const attempt = store.changes.record({
      request: next,
      audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: next.updatedAt },
      outbox: [{ kind: 'approval_requested', requestId: draft.id, payload: { request: next } }],
    });
    // Assert
    await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.requests.get(draft.id)).toEqual(draft);
    expect(await store.outbox.pending(10)).toEqual([]);
    expect(await store.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10)).toEqual([]);
    expect(await store.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 2, reason: expect.stringContaining('after the chain') });
  });

  it('when a request is longer than one property holds, then it reads back whole', async () => {
    subject = await openFresh();
    const request = makeRequest('r-long', { justification: 'j'.repeat(70_000) });
    await subject.store.changes.record({ request, audit: { requestId: request.id, event: 'drafted', actor: 'u-sam', at: request.updatedAt, detail: { note: 'n'.repeat(40_000) } } });
    expect(await subject.store.requests.get(request.id)).toEqual(request);
    expect((await subject.store.audit.list(request.id))[0]?.detail).toEqual({ note: 'n'.repeat(40_000) });
    expect(await subject.store.audit.verify()).toEqual({ ok: true, entries: 1 });
  });

  it('when a request leaves a due state, then its old due hint is gone once the store is closed', async () => {
    subject = await openFresh();
    const { store } = subject;
    const draft = makeRequest('r-hint');
    await store.changes.record({ request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } });
    const waiting = pending(draft, '2025-03-01T09:01:00.000Z');
    await store.changes.record({ request: waiting, audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt } });
    expect(await rowsOf('due:pending_approval')).toHaveLength(1);
    const rejected: AccessRequest = { ...waiting, version: 3, state: 'rejected', updatedAt: '2025-03-01T09:02:00.000Z' };
    await store.changes.record({ request: rejected, audit: { requestId: draft.id, event: 'rejected', actor: 'u-ann', at: rejected.updatedAt } });
    await store.close();
    expect(await rowsOf('due:pending_approval')).toEqual([]);
  });

  it.each([
    ['young (its change may still be on its way)', 60_000, 1],
    ['older than the grace period (a crash\'s leftover)', 0, 0],
  ])('when a due hint points to a change that never landed and is %s, then it is not listed, and kept only while young', async (_what, hintGraceInMs, left) => {
    // Arrange: what an instance that crashed between its hint and its transaction leaves behind.
    subject = await openFresh({ hintGraceInMs });
    const { store } = subject;
    const draft = makeRequest('r-crash');
    await store.changes.record({ request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } });
    await subject.client.createEntity({
      partitionKey: 'index', rowKey: `due:pending_approval$2025-03-01T09:01:00.000Z|r-crash|deadbeefdeadbeef`,
      requestId: 'r-crash', version: 2, writtenAt: new Date().toISOString(),
    });
    // Act
    const due = await store.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10);
    await store.close();
    // Assert
    expect(due).toEqual([]);
    expect(await rowsOf('due:pending_approval')).toHaveLength(left);
  });
});

describe('the Table store when the service is down', () => {
  it('when the table service is down, then calls fail with StoreUnavailableError within their deadline', async () => {
    // Arrange: a second Azurite of our own, stopped under the store.
    const own = await startAzurite();
    let store: Store | undefined;
    try {
      store = await openTableStore({ connectionString: own.connectionString, deadlineInMs: 3_000, retryOptions: { maxRetries: 1, retryDelayInMs: 50 } });
      const draft = makeRequest('r-down');
      await own.stop();
      // Act / Assert
      await expect(store.requests.get(draft.id)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.changes.record({ request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } }))
        .rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store?.close();
      await own.stop();
    }
  });
});

describe('the Table store when the service throttles, fails or loses an answer', () => {
  let proxy: FaultProxy;
  let store: Store;
  let tableName: string;
  const isTransaction = (request: IncomingMessage): boolean => request.method === 'POST' && (request.url ?? '').includes('$batch');
  const draft = makeRequest('r-faults');
  const drafted = { request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } };

  beforeEach(async () => {
    proxy = await startFaultProxy(azurite());
    tableName = freshTable('faults');
    store = await openTableStore({
      connectionString: azurite().connectionString.replace(azurite().tableEndpoint, `${proxy.url}/devstoreaccount1`),
      tableName, deadlineInMs: 20_000, retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
  });
  afterEach(async () => {
    await store.close();
    await proxy.close();
    await TableClient.fromConnectionString(azurite().connectionString, tableName, { allowInsecureConnection: true }).deleteTable();
  });

  it('when a change is throttled and then meets a brief outage, then the client retries and it is stored once', async () => {
    proxy.fail(isTransaction, { status: 429 }, { status: 503 });
    expect(await store.changes.record(drafted)).toBe(true);
    expect(await store.requests.get(draft.id)).toEqual(draft);
    expect(await store.audit.verify()).toEqual({ ok: true, entries: 1 });
  });

  it('when the answer to a change is lost after the service applied it, then the change counts as stored, once', async () => {
    // Arrange
    await store.changes.record(drafted);
    const waiting: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: '2025-03-01T09:01:00.000Z', updatedAt: '2025-03-01T09:01:00.000Z' };
    proxy.fail(isTransaction, { lose: 'answer' });
    // Act
    const recorded = await store.changes.record({
      request: waiting,
      audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt },
      outbox: [{ kind: 'approval_requested', requestId: draft.id, payload: { request: waiting } }],
    });
    // Assert
    expect(recorded).toBe(true);
    expect(await store.requests.get(draft.id)).toEqual(waiting);
    expect((await store.audit.list(draft.id)).map((entry) => entry.event)).toEqual(['drafted', 'confirmed']);
    expect((await store.outbox.pending(10)).map((message) => message.kind)).toEqual(['approval_requested']);
    expect(await store.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10)).toEqual([waiting]);
  });

  it('when the service keeps answering 503, then the change fails with StoreUnavailableError and nothing of it is stored', async () => {
    await store.changes.record(drafted);
    const waiting: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: '2025-03-01T09:01:00.000Z', updatedAt: '2025-03-01T09:01:00.000Z' };
    proxy.fail(isTransaction, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    await expect(store.changes.record({ request: waiting, audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt } }))
      .rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.requests.get(draft.id)).toEqual(draft);
    expect(await store.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10)).toEqual([]);
  });
});

describe('the Table store as the service sees it', () => {
  it('when turns and jobs list requests, what is due and a customer\'s audit, then every query names its partition (none reads the table)', async () => {
    // Arrange: a few requests through a proxy that records what the service is asked.
    const proxy = await startFaultProxy(azurite());
    const tableName = freshTable('queries');
    const store = await openTableStore({ connectionString: azurite().connectionString.replace(azurite().tableEndpoint, `${proxy.url}/devstoreaccount1`), tableName });
    try {
      const draft = makeRequest('r-q1');
      await store.changes.record({ request: draft, audit: { requestId: draft.id, event: 'drafted', actor: 'u-sam', at: draft.updatedAt } });
      const waiting: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: '2025-03-01T09:01:00.000Z', updatedAt: '2025-03-01T09:01:00.000Z' };
      await store.changes.record({ request: waiting, audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt } });
      const before = proxy.seen.length;
      // Act: what "status", "my requests", "history", "list", the sweeps and the audit CLI by customer ask.
      const listed = [
        await store.requests.listByState(['pending_approval']),
        await store.requests.listRequests({ requesterId: draft.requester.id, states: ['draft', 'pending_approval'], limit: 10 }),
        await store.requests.listRequests({ customerTenantId: draft.customer.tenantId, subscriptionId: draft.subscription.id, limit: 20 }),
        await store.requests.listRequests({ states: ['pending_approval'], limit: 10 }),
        await store.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10),
      ];
      const audit = await store.audit.list({ customerTenantId: draft.customer.tenantId });
      // Assert
      expect(listed).toEqual([[waiting], [waiting], [waiting], [waiting], [waiting]]);
      expect(audit.map((entry) => entry.event)).toEqual(['drafted', 'confirmed']);
      const queries = proxy.seen.slice(before).filter((line) => line.startsWith('GET')).map((line) => decodeURIComponent(line));
      expect(queries.length).toBeGreaterThan(0);
      expect(queries.filter((query) => !/PartitionKey eq '|\(PartitionKey='/.test(query))).toEqual([]);
    } finally {
      await store.close();
      await proxy.close();
      await TableClient.fromConnectionString(azurite().connectionString, tableName, { allowInsecureConnection: true }).deleteTable();
    }
  });
});
