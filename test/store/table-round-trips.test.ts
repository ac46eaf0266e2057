// The Table store as the service sees it, request by request: what a change, a send and a turn's reads cost, and that the shortcuts stay correct.
import { odata, TableClient } from '@azure/data-tables';
import type { AccessRequest } from '../../src/domain/access-request';
import { JobLeases } from '../../src/services/job-leases';
import type { Notifier } from '../../src/services/notifier';
import { OUTBOX_LEASE_KEEP_MS, OutboxSender } from '../../src/services/outbox-sender';
import type { Store } from '../../src/store/ports';
import type { StoredConversation } from '../../src/store/request-store';
import { openTableStore, type TableStoreOptions } from '../../src/store/table-store';
import { azuriteForThisFile } from '../support/azurite-per-file';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { quietRelationshipNotifier } from '../support/sending-changes';
import { makeRequest } from './store-fixtures';

const { azurite, freshTable } = azuriteForThisFile();

interface Subject {
  /** Through a proxy that records every request. */
  readonly store: Store;
  /** Another instance on the same table, straight to the service. */
  readonly other: Store;
  readonly client: TableClient;
  readonly proxy: FaultProxy;
  /** Requests the service got since the last call, as `METHOD path` (decoded). */
  since(): string[];
  close(): Promise<void>;
}

async function open(options: Partial<TableStoreOptions> = {}): Promise<Subject> {
  const tableName = freshTable('trips');
  const proxy = await startFaultProxy(azurite());
  const settings = { tableName, deadlineInMs: 30_000, ...options };
  const store = await openTableStore({ ...settings, connectionString: azurite().connectionString.replace(azurite().tableEndpoint, `${proxy.url}/devstoreaccount1`) });
  const other = await openTableStore({ ...settings, connectionString: azurite().connectionString });
  const client = TableClient.fromConnectionString(azurite().connectionString, tableName, { allowInsecureConnection: true });
  let read = proxy.seen.length;
  return {
    store, other, client, proxy,
    since() {
      const lines = proxy.seen.slice(read).map((line) => decodeURIComponent(line));
      read = proxy.seen.length;
      return lines;
    },
    async close() {
      await Promise.all([store.close(), other.close()]);
      await proxy.close();
      await client.deleteTable();
    },
  };
}

const chat = (userId: string, conversationId: string, locale: StoredConversation['locale'] = 'en'): StoredConversation =>
  ({ userId, channelUserId: `29:${userId}`, reference: `{"conversation":{"id":"${conversationId}"}}`, locale, updatedAt: '2025-03-01T09:00:00.000Z' });
const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const drafted = (request: AccessRequest) => ({ request, audit: { requestId: request.id, event: 'drafted', actor: 'u-sam', at: request.updatedAt } });

describe('the Table store, request by request', () => {
  let subject: Subject;
  afterEach(async () => {
    await subject.close();
  });

  it('when a turn and its sends ask for the same people, then each is read once, and whom this instance saved is not read at all', async () => {
    // Arrange
    subject = await open();
    const { store } = subject;
    await store.conversations.save(chat('u-alice', 'a:1'));
    subject.since();
    // Act: a card's refresh list (everyone at once), then each send reads its recipient again.
    const first = await Promise.all(['u-alice', 'u-ann', 'u-ann'].map((id) => store.conversations.get(id)));
    const again = [await store.conversations.get('u-alice'), await store.conversations.get('u-ann')];
    // Assert
    expect(first).toEqual([chat('u-alice', 'a:1'), undefined, undefined]);
    expect(again).toEqual([chat('u-alice', 'a:1'), undefined]);
    expect(subject.since()).toEqual([expect.stringMatching(/^GET .*PartitionKey='u:u-ann'/)]);
  });

  it('when another instance saves a person\'s conversation, then this one sees it once what it had read has aged', async () => {
    // Arrange: copies kept 300 ms (found) and 200 ms (not found).
    subject = await open({ conversationTtlInMs: 300, conversationMissTtlInMs: 200 });
    const { store, other } = subject;
    expect(await store.conversations.get('u-bob')).toBeUndefined();
    // Act: Bob first writes to the other instance, then moves to another chat and writes in French.
    await other.conversations.save(chat('u-bob', 'a:1'));
    await pause(250);
    const found = await store.conversations.get('u-bob');
    await other.conversations.save(chat('u-bob', 'a:2', 'fr'));
    await pause(350);
    const moved = await store.conversations.get('u-bob');
    // Assert
    expect(found).toEqual(chat('u-bob', 'a:1'));
    expect(moved).toEqual(chat('u-bob', 'a:2', 'fr'));
  });

  it('when copies are turned off, then every read asks the service', async () => {
    subject = await open({ conversationTtlInMs: 0, conversationMissTtlInMs: 0 });
    const { store, other } = subject;
    await store.conversations.save(chat('u-cy', 'a:1'));
    await other.conversations.save(chat('u-cy', 'a:2'));
    subject.since();
    expect(await store.conversations.get('u-cy')).toEqual(chat('u-cy', 'a:2'));
    expect(subject.since()).toHaveLength(1);
  });

  it('when a request changes, then its hints are one request before its transaction, and the rows it supersedes leave in one request', async () => {
    // Arrange
    subject = await open();
    const { store } = subject;
    const draft = makeRequest('r-trips');
    await store.changes.record(drafted(draft));
    subject.since();
    const waiting: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: '2025-03-01T09:01:00.000Z', updatedAt: '2025-03-01T09:01:00.000Z' };
    // Act
    const stored = await store.changes.record({
      request: waiting,
      audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt },
      outbox: [{ kind: 'approval_requested', requestId: draft.id, payload: { request: waiting } }, { kind: 'request_changed', requestId: draft.id, payload: { request: waiting } }],
    });
    const change = subject.since();
    await store.close();
    const housekeeping = subject.since();
    // Assert: hints (four indexes and two messages) in one transaction, then the change; the draft's four rows in one.
    expect(stored).toBe(true);
    expect(change).toEqual([expect.stringMatching(/^POST .*\$batch/), expect.stringMatching(/^POST .*\$batch/)]);
    expect(housekeeping).toEqual([expect.stringMatching(/^POST .*\$batch/)]);
    expect(await subject.other.requests.listDue(['pending_approval'], '2025-03-02T00:00:00.000Z', 10)).toEqual([waiting]);
    expect(await subject.other.requests.listByState(['draft'])).toEqual([]);
    expect(await indexRows(subject.client)).toHaveLength(6);
  });

  it('when a superseded row was already removed by someone else, then the others it was queued with are still removed', async () => {
    // Arrange: two requests drafted, then both confirmed; another instance's reader removes one stale row first.
    subject = await open({ leftoverDelayInMs: 60_000 });
    const { store } = subject;
    for (const id of ['r-left1', 'r-left2']) {
      const draft = makeRequest(id);
      await store.changes.record(drafted(draft));
      const waiting: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: '2025-03-01T09:01:00.000Z', updatedAt: '2025-03-01T09:01:00.000Z' };
      await store.changes.record({ request: waiting, audit: { requestId: id, event: 'confirmed', actor: 'u-sam', at: waiting.updatedAt } });
    }
    const [stale] = (await indexRows(subject.client)).filter((row) => row.startsWith('due:draft$'));
    if (stale === undefined) throw new Error('no draft row');
    await subject.client.deleteEntity('index', stale);
    // Act
    await store.close();
    // Assert: each request's four current rows, nothing of the drafts.
    const rows = await indexRows(subject.client);
    expect(rows).toHaveLength(8);
    expect(rows.filter((row) => row.startsWith('due:draft$'))).toEqual([]);
    expect(await subject.other.requests.listByState(['pending_approval'])).toHaveLength(2);
  });

  it('when the newest few requests in a state are listed, then only those are read, not every request in it', async () => {
    // Arrange: six pending requests, confirmed a minute apart.
    subject = await open();
    const { store } = subject;
    const waiting: AccessRequest[] = [];
    for (let n = 0; n < 6; n++) {
      const draft = makeRequest(`r-few${n}`);
      await subject.other.changes.record(drafted(draft));
      const at = new Date(Date.UTC(2025, 2, 1, 10, n)).toISOString();
      const next: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: at, updatedAt: at };
      await subject.other.changes.record({ request: next, audit: { requestId: draft.id, event: 'confirmed', actor: 'u-sam', at } });
      waiting.push(next);
    }
    subject.since();
    // Act
    const newest = await store.requests.listRequests({ states: ['pending_approval', 'approved'], limit: 2 });
    // Assert: one query per state's index, one read per request listed.
    expect(newest).toEqual([waiting[5], waiting[4]]);
    const asked = subject.since();
    expect(asked.filter((line) => line.includes("PartitionKey='r:"))).toHaveLength(2);
    expect(asked).toHaveLength(4);
  });

  it('when a message is sent and done, then its rows leave without being looked up, and it is not pending any more', async () => {
    // Arrange
    subject = await open();
    const { store } = subject;
    const draft = makeRequest('r-sent');
    await store.changes.record({ ...drafted(draft), outbox: [{ kind: 'request_changed', requestId: draft.id, payload: { request: draft } }] });
    const [message] = await store.outbox.pending(10);
    if (!message) throw new Error('no message pending');
    await store.outbox.delivered(message.id, 'u-sam');
    subject.since();
    // Act
    await store.outbox.done(message.id);
    // Assert
    expect(subject.since().filter((line) => line.startsWith('GET'))).toEqual([]);
    expect(await subject.other.outbox.pending(10)).toEqual([]);
    const left: string[] = [];
    for await (const entity of subject.client.listEntities({ queryOptions: { filter: odata`PartitionKey eq 'r:r-sent' and RowKey ge 'o:' and RowKey lt 'o;'` } })) left.push(entity.rowKey ?? '');
    expect(left).toEqual([]);
  });

  it('when messages of one request are pending, then they are loaded with one query, each with whom it already reached', async () => {
    // Arrange: a change with two messages; the first reached Sam already.
    subject = await open();
    const { store } = subject;
    const draft = makeRequest('r-two');
    await store.changes.record({
      ...drafted(draft),
      outbox: [{ kind: 'request_changed', requestId: draft.id, payload: { n: 1 } }, { kind: 'request_changed', requestId: draft.id, payload: { n: 2 } }],
    });
    const [first] = await subject.other.outbox.pending(1);
    if (!first) throw new Error('no message pending');
    await subject.other.outbox.delivered(first.id, 'u-sam');
    subject.since();
    // Act
    const pending = await store.outbox.pending(10);
    // Assert
    expect(pending.map((m) => [m.payload, m.delivered])).toEqual([[{ n: 1 }, ['u-sam']], [{ n: 2 }, []]]);
    expect(subject.since().filter((line) => line.includes("PartitionKey eq 'r:r-two'"))).toHaveLength(1);
  });

  it('when the outbox is drained again while this instance keeps its lease, then the drain costs one query and no lease request; the lease is released once, later, and taken again with one write', async () => {
    // Arrange: a sender as the bot runs it (lease `outbox` through JobLeases), its drains kicked by the test.
    subject = await open();
    const { store } = subject;
    const sent: string[] = [];
    const tell = async (request: AccessRequest, delivery: Parameters<Notifier['requestChanged']>[1]) => {
      sent.push(request.id);
      await delivery.sent('u-sam');
    };
    const jobs = new JobLeases({ leases: store.leases, holder: 'bot-a', clock: { now: () => new Date() } });
    const sender = new OutboxSender({ outbox: store.outbox, notifier: { approvalRequested: tell, approvalForApprover: async () => undefined, requestChanged: tell, expiryReminder: tell }, relationships: quietRelationshipNotifier, jobs });
    const drain = async (): Promise<string[]> => {
      subject.since();
      sender.kick();
      await sender.idle();
      return subject.since();
    };
    const draft = makeRequest('r-drain');
    await store.changes.record({ ...drafted(draft), outbox: [{ kind: 'request_changed', requestId: draft.id, payload: { request: draft } }] });
    // Act: a drain that sends; one right after with nothing to send; one after the keep ran out, with nothing either.
    const first = await drain();
    const idle = await drain();
    await pause(OUTBOX_LEASE_KEEP_MS + 500);
    const released = subject.since();
    const afterKeep = await drain();
    await jobs.stop();
    // Assert: the first drain takes the lease (a create: this process never wrote it, and it does not exist), then sends. The idle one, while the lease
    // is kept, only asks for pending messages. The release is one write; taking it again one write on its ETag.
    const pendingQuery = expect.stringMatching(/^GET .*\$filter=PartitionKey eq 'index' and RowKey ge 'outbox\$'/);
    expect(sent).toEqual([draft.id]);
    expect(first.slice(0, 2)).toEqual([expect.stringMatching(/^POST \/devstoreaccount1\/trips\w+$/), pendingQuery]);
    expect(idle).toEqual([pendingQuery]);
    expect(released).toEqual([expect.stringMatching(/^PUT .*PartitionKey='lease:outbox'/)]);
    expect(afterKeep).toEqual([expect.stringMatching(/^PUT .*PartitionKey='lease:outbox'/), pendingQuery]);
  });
});

async function indexRows(client: TableClient): Promise<string[]> {
  const rows: string[] = [];
  for await (const entity of client.listEntities({ queryOptions: { filter: odata`PartitionKey eq 'index'` } })) rows.push(entity.rowKey ?? '');
  return rows;
}
