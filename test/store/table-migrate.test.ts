// A table written by the previous layout (an index per partition, no by-state index, no marker), opened by today's store:
// re-indexed once at open, so listings, the sweeps and the outbox see what it held.
import { odata, TableClient } from '@azure/data-tables';
import type { AccessRequest } from '../../src/domain/access-request';
import { requestId } from '../../src/domain/ids';
import type { Store } from '../../src/store/ports';
import type { LayoutOptions } from '../../src/store/table-migrate';
import { openTableStore, type TableStore, type TableStoreOptions } from '../../src/store/table-store';
import { azuriteForThisFile } from '../support/azurite-per-file';
import { insert, makeRequest } from './store-fixtures';
import { sweepingApproval } from '../support/sweeping-approval';

const { azurite, freshTable } = azuriteForThisFile();

const DAY = 24 * 3_600_000;
const clock = { now: () => new Date('2025-03-03T09:00:00.000Z') };
const approvalOn = (store: Store) => sweepingApproval(store, clock, DAY);

const SAM = makeRequest('r-0').requester;
const waiting = (id: string): AccessRequest => makeRequest(id, { state: 'pending_approval', pendingSince: '2025-03-01T09:00:00.000Z' });
const active = (id: string): AccessRequest => makeRequest(id, { state: 'active', expiresAt: '2025-03-01T17:00:00.000Z' });

interface OldTable {
  readonly settings: TableStoreOptions;
  readonly client: TableClient;
  readonly opened: Store[];
  open(layout?: LayoutOptions): Promise<TableStore>;
}

/**
 * A table as the code before 82aa333 left it: requests and their chains as every version wrote them (through the
 * store), then each hint moved back to its old partition (`<index>` / `<key>`), the by-state ones and the marker removed
 * (`indexed`: requests whose hints are also left where today's layout has them).
 */
async function oldTable(options: { readonly indexed?: readonly string[] } = {}): Promise<OldTable> {
  const tableName = freshTable('migrate');
  const settings: TableStoreOptions = { connectionString: azurite().connectionString, tableName, deadlineInMs: 60_000, layout: { pollInMs: 100 } };
  const client = TableClient.fromConnectionString(azurite().connectionString, tableName, { allowInsecureConnection: true });
  const writer = await openTableStore(settings);
  expect(writer.layout.outcome).toBe('empty');
  await Promise.all([waiting('r-w1'), waiting('r-w2'), active('r-a1'), makeRequest('r-d1')].map((request) => insert(writer, request)));
  await writer.changes.record({
    audit: { event: 'invitation_sent', actor: 'u-sam', at: '2025-03-01T09:00:00.000Z', customer: makeRequest('r-0').customer },
    outbox: [{ kind: 'relationship_invitation', requestId: requestId('r-w1'), payload: { link: 'https://partner.example/invite' } }],
  });
  await writer.close();
  for await (const row of client.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq 'index' or PartitionKey eq 'schema'` } })) {
    const { partitionKey = '', rowKey = '', etag: _etag, timestamp: _timestamp, ...properties } = row;
    // Left in today's layout: what a pass that died part-way had already written.
    if (typeof properties.requestId === 'string' && options.indexed?.includes(properties.requestId) && partitionKey === 'index') continue;
    await client.deleteEntity(partitionKey, rowKey);
    const [index = '', local = ''] = rowKey.split('$');
    if (partitionKey === 'index' && !index.startsWith('by-state:')) await client.createEntity({ ...properties, partitionKey: index, rowKey: local });
  }
  const opened: Store[] = [];
  return {
    settings, client, opened,
    async open(layout = {}) {
      const store = await openTableStore({ ...settings, layout: { ...settings.layout, ...layout } });
      opened.push(store);
      return store;
    },
  };
}

const idsOf = (requests: readonly AccessRequest[]): string[] => requests.map((request) => request.id).sort();

describe('a table of the previous index layout, opened by today\'s store', () => {
  let table: OldTable;
  afterEach(async () => {
    await Promise.all(table.opened.map((store) => store.close()));
    await table.client.deleteTable();
  });

  it('when the store opens it, then it re-indexes every request once: listings, listDue, the approval sweep and the outbox see them; a second open finds the marker', async () => {
    // Arrange
    table = await oldTable();
    // Act
    const store = await table.open();
    const again = await table.open();
    // Assert
    expect(store.layout).toMatchObject({ outcome: 'reindexed', requests: 4, pendingMessages: 1 });
    expect(store.layout.line).toMatch(/^table store: index layout 2: re-indexed 4 requests and moved 1 pending messages \(\d+ ms\)$/);
    expect(again.layout).toMatchObject({ outcome: 'current', requests: 0 });
    expect(idsOf(await again.requests.listRequests({ requesterId: SAM.id, limit: 10 }))).toEqual(['r-a1', 'r-d1', 'r-w1', 'r-w2']);
    expect(idsOf(await again.requests.listRequests({ states: ['pending_approval'], limit: 10 }))).toEqual(['r-w1', 'r-w2']);
    expect(idsOf(await again.requests.listDue(['active'], '2025-03-03T09:00:00.000Z', 10))).toEqual(['r-a1']);
    expect((await again.outbox.pending(10)).map((message) => message.kind)).toEqual(['relationship_invitation']);
    expect(idsOf(await approvalOn(again).expireOverdue())).toEqual(['r-w1', 'r-w2']);
    expect((await again.requests.get(requestId('r-w1')))?.state).toBe('timed_out');
  });

  it('when two instances open it at once, then one re-indexes, the other waits for it, and both read every request', async () => {
    // Arrange
    table = await oldTable();
    // Act
    const [a, b] = await Promise.all([table.open(), table.open()]);
    // Assert
    expect([a.layout.outcome, b.layout.outcome].sort()).toEqual(['reindexed', 'waited']);
    for (const store of [a, b]) {
      expect(idsOf(await store.requests.listDue(['pending_approval'], '2025-03-02T09:00:00.000Z', 10))).toEqual(['r-w1', 'r-w2']);
    }
  });

  it('when an instance died part-way (its lease still running), then the next open waits for the lease to run out and resumes where that pass stood', async () => {
    // Arrange: the dead instance re-indexed the first request (r-a1, with 9 others the saved count says it did) and
    // saved where the next page starts; its lease has 1.5 s left.
    table = await oldTable({ indexed: ['r-a1'] });
    const [first] = await table.client.listEntities({ queryOptions: { filter: odata`RowKey eq 'request'` } }).byPage({ maxPageSize: 1 }).next().then((page) => (page.done === true ? [] : [page.value]));
    expect(first?.[0]?.partitionKey).toBe('r:r-a1');
    await table.client.createEntity({ partitionKey: 'schema', rowKey: 'layout-progress', version: 2, next: first?.continuationToken, requests: 10 });
    await table.client.createEntity({ partitionKey: 'lease:table-layout', rowKey: 'lease', holder: 'layout:dead', expiresAt: new Date(Date.now() + 1_500).toISOString() });
    // Act
    const store = await table.open();
    // Assert: three more requests read (10 + 3), and every one listed.
    expect(store.layout).toMatchObject({ outcome: 'reindexed', requests: 13 });
    expect(idsOf(await store.requests.listRequests({ requesterId: SAM.id, limit: 10 }))).toEqual(['r-a1', 'r-d1', 'r-w1', 'r-w2']);
    const progress = await table.client.getEntity('schema', 'layout-progress').catch((error: { statusCode?: number }) => error.statusCode);
    expect(progress).toBe(404);
  });

  it('when the saved place is one the service no longer takes, then the pass starts over and indexes every request', async () => {
    // Arrange
    table = await oldTable();
    await table.client.createEntity({ partitionKey: 'schema', rowKey: 'layout-progress', version: 2, next: 'bm90IGEgdG9rZW4', requests: 10 });
    // Act
    const store = await table.open();
    // Assert
    expect(store.layout.outcome).toBe('reindexed');
    expect(idsOf(await store.requests.listRequests({ requesterId: SAM.id, limit: 10 }))).toEqual(['r-a1', 'r-d1', 'r-w1', 'r-w2']);
  });

  it('when the re-index outlasts the time the open may wait, then the store opens: listings wait (refused) while reads by id and changes work, and see every request once it is done', async () => {
    // Arrange: an open that waits for nothing (App Service's start limit, scaled down), a second instance likewise.
    table = await oldTable();
    // Act
    const [store, other] = await Promise.all([table.open({ openWithinMs: 0 }), table.open({ openWithinMs: 0 })]);
    const refusal = (error: unknown) => error;
    const listed = await store.requests.listRequests({ requesterId: SAM.id, limit: 10 }).catch(refusal);
    const due = await other.requests.listDue(['pending_approval'], '2025-03-02T09:00:00.000Z', 10).catch(refusal);
    const byId = await other.requests.get(requestId('r-w1'));
    const drafted = makeRequest('r-new');
    const recorded = await store.changes.record({ request: drafted, audit: { requestId: drafted.id, event: 'drafted', actor: 'u-sam', at: drafted.updatedAt } });
    const done = await Promise.all([store.upgraded, other.upgraded]);
    // Assert
    expect([store.layout.outcome, other.layout.outcome]).toEqual(['upgrading', 'upgrading']);
    expect(listed).toHaveProperty('name', 'StoreUnavailableError');
    expect(due).toHaveProperty('message', expect.stringMatching(/re-indexed after an upgrade/));
    expect(byId?.state).toBe('pending_approval');
    expect(recorded).toBe(true);
    expect(done.map((report) => report.outcome).sort()).toEqual(['reindexed', 'waited']);
    for (const opened of [store, other]) {
      expect(idsOf(await opened.requests.listRequests({ requesterId: SAM.id, limit: 10 }))).toEqual(['r-a1', 'r-d1', 'r-new', 'r-w1', 'r-w2']);
      expect((await opened.outbox.pending(10)).map((message) => message.kind)).toEqual(['relationship_invitation']);
    }
  });

  it('when the store closes while its re-index goes on, then close waits for the pass to stop, and the next open finishes it', async () => {
    // Arrange
    table = await oldTable();
    const first = await table.open({ openWithinMs: 0 });
    // Act
    await first.close();
    const ended = await first.upgraded;
    const next = await table.open();
    // Assert: stopped, or done if the one page was through first; either way the next open lists every request.
    expect(['stopped', 'reindexed']).toContain(ended.outcome);
    expect(['reindexed', 'current']).toContain(next.layout.outcome);
    expect(idsOf(await next.requests.listRequests({ requesterId: SAM.id, limit: 10 }))).toEqual(['r-a1', 'r-d1', 'r-w1', 'r-w2']);
  });
});
