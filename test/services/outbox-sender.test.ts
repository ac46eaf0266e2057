// The outbox sender on two bot instances sharing one store: each message reaches each person once, whoever sends it.
import { setImmediate as tick } from 'node:timers/promises';
import type { AccessRequest } from '../../src/domain/access-request';
import { instanceHolderId, JobLeases } from '../../src/services/job-leases';
import type { Notifier } from '../../src/services/notifier';
import { OutboxSender } from '../../src/services/outbox-sender';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { makeRequest, tempStorePath } from '../store/store-fixtures';
import { quietRelationshipNotifier } from '../support/sending-changes';

const clock = { at: Date.parse('2025-03-01T10:00:00Z'), now(): Date { return new Date(this.at); } };

/** What the people were sent: one line per person reached about a request. */
function teams(): { notifier: Notifier; sent: string[] } {
  const sent: string[] = [];
  // The send takes a while (Teams answers later), so two senders would both be between "read" and "recorded".
  const tell = async (request: AccessRequest, delivery: Parameters<Notifier['requestChanged']>[1]) => {
    if (delivery.has('sam')) return;
    await tick();
    sent.push(request.id);
    await tick();
    await delivery.sent('sam');
  };
  return { notifier: { approvalRequested: tell, approvalForApprover: (request, _approverId, delivery) => tell(request, delivery), requestChanged: tell, expiryReminder: tell }, sent };
}

describe('the outbox sender on two instances', () => {
  let file: ReturnType<typeof tempStorePath>;
  let stores: Store[];
  let senders: OutboxSender[];
  beforeEach(() => {
    file = tempStorePath();
    stores = [openSqliteStore(file.path), openSqliteStore(file.path)];
    senders = [];
  });
  afterEach(async () => {
    for (const sender of senders) await sender.stop();
    for (const store of stores) await store.close();
    file.cleanup();
  });

  const senderOn = (store: Store, holder: string, notifier: Notifier): OutboxSender => {
    const sender = new OutboxSender({
      outbox: store.outbox, notifier, relationships: quietRelationshipNotifier, busyRetryInMs: 5,
      jobs: new JobLeases({ leases: store.leases, holder, clock }),
    });
    senders.push(sender);
    return sender;
  };
  const record = async (store: Store, n: number): Promise<string> => {
    const request = makeRequest(`r-${n}`, { state: 'pending_approval' });
    await store.changes.record({ request, audit: { requestId: request.id, event: 'confirmed', actor: 'sam', at: request.updatedAt }, outbox: [{ kind: 'request_changed', requestId: request.id, payload: { request } }] });
    return request.id;
  };
  const settled = async (): Promise<void> => {
    for (let tries = 0; (await stores[0]?.outbox.pending(1))?.length !== 0; tries++) {
      if (tries > 2_000) throw new Error('the outbox never emptied');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const sender of senders) await sender.idle();
  };

  it('when both instances are kicked for the same 40 messages at once, then each person is told each change once', async () => {
    // Arrange
    const [a, b] = stores;
    if (!a || !b) throw new Error('not opened');
    const { notifier, sent } = teams();
    const senderA = senderOn(a, 'bot-a', notifier);
    const senderB = senderOn(b, 'bot-b', notifier);
    const ids: string[] = [];
    // Act: changes recorded on both instances, each instance kicked after each change, as the bot does.
    for (let n = 0; n < 40; n++) {
      ids.push(await record(n % 2 === 0 ? a : b, n));
      senderA.kick();
      senderB.kick();
    }
    await settled();
    // Assert
    expect([...sent].sort()).toEqual([...ids].sort());
  });

  it('when an instance crashed while it held the outbox, then the other sends nothing until that lease ran out, then everything once', async () => {
    // Arrange
    const [a, b] = stores;
    if (!a || !b) throw new Error('not opened');
    expect(await b.leases.acquire('outbox', 'bot-crashed', 120_000, clock.now().toISOString())).toBe(true);
    const { notifier, sent } = teams();
    const sender = senderOn(a, 'bot-a', notifier);
    const id = await record(a, 1);
    // Act
    sender.kick();
    await sender.idle();
    const whileHeld = [...sent];
    clock.at += 120_000;
    await settled();
    // Assert
    expect(whileHeld).toEqual([]);
    expect(sent).toEqual([id]);
  });

  it('when a bot is killed while it sends (kill -9) and restarts on the same App Service instance, then the restarted one sends at once; another instance still waits', async () => {
    // Arrange: the killed process, on its own connection, holds the outbox lease mid-send (Teams never answers it).
    const [, b] = stores;
    if (!b) throw new Error('not opened');
    const killed = openSqliteStore(file.path);
    const startedAt = (minutesAgo: number) => new Date(clock.at - minutesAgo * 60_000);
    let reached: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const hung = () => {
      reached();
      return new Promise<void>(() => undefined);
    };
    const predecessor = new OutboxSender({
      outbox: killed.outbox, relationships: quietRelationshipNotifier, notifier: { approvalRequested: hung, approvalForApprover: hung, requestChanged: hung, expiryReminder: hung },
      jobs: new JobLeases({ leases: killed.leases, holder: instanceHolderId({ id: 'instance-1', startedAt: startedAt(60) }), clock }),
    });
    const id = await record(b, 1);
    predecessor.kick();
    await sending;
    // kill -9: nothing of it reaches the store any more, its lease is never released.
    await killed.close();
    const { notifier, sent } = teams();
    // Act: an instance elsewhere tries first, then the process restarted on instance-1. The clock does not move:
    // the killed process's lease (OUTBOX_LEASE_TTL_MS) has not run out.
    const elsewhere = senderOn(b, instanceHolderId({ id: 'instance-2', startedAt: startedAt(1) }), notifier);
    elsewhere.kick();
    await elsewhere.idle();
    await elsewhere.stop();
    const sentByAnotherInstance = [...sent];
    const restarted = senderOn(b, instanceHolderId({ id: 'instance-1', startedAt: startedAt(0) }), notifier);
    restarted.kick();
    await restarted.idle();
    // Assert
    expect(sentByAnotherInstance).toEqual([]);
    expect(sent).toEqual([id]);
    expect(await b.outbox.pending(10)).toEqual([]);
  });
});

describe('the outbox sender and the rest of the bot', () => {
  it('when several messages are sent in one go, then something else the bot has to do meanwhile (a click to answer) runs before the next message starts, not after the whole batch', async () => {
    // Arrange: five changes of five requests pending; whatever the bot has to do is queued on the event loop during the first send.
    const file = tempStorePath();
    const store = openSqliteStore(file.path);
    try {
      const log: string[] = [];
      const tell = async (request: AccessRequest, delivery: Parameters<Notifier['requestChanged']>[1]) => {
        log.push(`send ${request.id}`);
        if (log.length === 1) setImmediate(() => log.push('click answered'));
        await delivery.sent('sam');
      };
      const sender = new OutboxSender({ outbox: store.outbox, notifier: { approvalRequested: tell, approvalForApprover: async () => undefined, requestChanged: tell, expiryReminder: tell }, relationships: quietRelationshipNotifier });
      for (let n = 0; n < 5; n++) {
        const request = makeRequest(`r-${n}`, { state: 'pending_approval' });
        await store.changes.record({ request, audit: { requestId: request.id, event: 'confirmed', actor: 'sam', at: request.updatedAt }, outbox: [{ kind: 'request_changed', requestId: request.id, payload: { request } }] });
      }
      // Act
      sender.kick();
      await sender.idle();
      // Assert: every message sent once, and the click in between, right after the message that was being sent.
      expect(log).toHaveLength(6);
      expect(log[0]).toMatch(/^send r-\d$/);
      expect(log[1]).toBe('click answered');
      expect(await store.outbox.pending(10)).toEqual([]);
    } finally {
      await store.close();
      file.cleanup();
    }
  });
});
