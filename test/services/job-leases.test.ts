// Job leases between two bot instances on one store: a long run keeps its lease, a crashed holder's job is taken over.
import { setTimeout as sleep } from 'node:timers/promises';
import { JobLeases } from '../../src/services/job-leases';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { tempStorePath } from '../store/store-fixtures';

describe('job leases on two instances', () => {
  let file: ReturnType<typeof tempStorePath>;
  let stores: Store[];
  beforeEach(() => {
    file = tempStorePath();
    stores = [openSqliteStore(file.path), openSqliteStore(file.path)];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    file.cleanup();
  });
  const on = (n: number): Store => stores[n] ?? (() => { throw new Error('not opened'); })();

  it('when a run lasts longer than its ttl, then its lease is renewed meanwhile, and freed as soon as it ends', async () => {
    // Arrange: real time, a ttl of 3 s (renewed every second).
    const clock = { now: () => new Date() };
    const a = new JobLeases({ leases: on(0).leases, holder: 'bot-a', clock, ttlInMs: 3_000 });
    const b = new JobLeases({ leases: on(1).leases, holder: 'bot-b', clock, ttlInMs: 3_000 });
    const seenByB: boolean[] = [];
    // Act: A works for 4.5 s; B tries every half second.
    const long = a.run('expiry', async (lease) => {
      for (let i = 0; i < 9; i++) {
        await sleep(500);
        seenByB.push((await b.run('expiry', async () => 'ran')).ran);
      }
      return lease.lost;
    });
    const lostDuringRun = await long;
    const afterwards = await b.run('expiry', async () => 'b ran');
    // Assert
    expect(seenByB).toEqual(Array.from({ length: 9 }, () => false));
    expect(lostDuringRun).toEqual({ ran: true, value: false });
    expect(afterwards).toEqual({ ran: true, value: 'b ran' });
    await a.stop();
    await b.stop();
  });

  it('when the instance that held a job\'s lease crashed, then a job to do once per start runs once that lease ran out', async () => {
    // Arrange: the crashed instance took the lease at 10:00 with the default ttl (2 min) and never released it.
    const clock = { at: Date.parse('2025-03-01T10:00:00Z'), now(): Date { return new Date(this.at); } };
    expect(await on(1).leases.acquire('resume-provisioning', 'bot-crashed', 120_000, clock.now().toISOString())).toBe(true);
    const jobs = new JobLeases({ leases: on(0).leases, holder: 'bot-a', clock, ttlInMs: 200 });
    let runs = 0;
    const errors: unknown[] = [];
    // Act
    jobs.runOnce('resume-provisioning', async () => { runs += 1; }, (error) => errors.push(error));
    await sleep(500);
    const whileHeld = runs;
    clock.at += 120_000;
    for (let tries = 0; runs === 0 && tries < 100; tries++) await sleep(50);
    await sleep(500);
    await jobs.stop();
    // Assert: not while the crashed holder's lease ran, then once.
    expect(whileHeld).toBe(0);
    expect(runs).toBe(1);
    expect(errors).toEqual([]);
  });
});
