// Job leases between two bot instances on one store: a long run keeps its lease, a crashed holder's job is taken over.
import { setTimeout as sleep } from 'node:timers/promises';
import { JobLeases } from '../../src/services/job-leases';
import type { Leases, Store } from '../../src/store/ports';
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
    // Act: A works for 4.5 s, its lease released as the run ends (not kept); B tries every half second.
    const long = a.run('expiry', async (lease) => {
      for (let i = 0; i < 9; i++) {
        await sleep(500);
        seenByB.push((await b.run('expiry', async () => 'ran')).ran);
      }
      return lease.lost;
    }, { keepInMs: 0 });
    const lostDuringRun = await long;
    const afterwards = await b.run('expiry', async () => 'b ran');
    // Assert
    expect(seenByB).toEqual(Array.from({ length: 9 }, () => false));
    expect(lostDuringRun).toEqual({ ran: true, value: false });
    expect(afterwards).toEqual({ ran: true, value: 'b ran' });
    await a.stop();
    await b.stop();
  });

  it('when runs follow one another on one instance, then the lease is written once for them, kept a moment, and then freed for the other instance', async () => {
    // Arrange: real time, a ttl of 3 s, a run's lease kept 600 ms; every lease call of A's counted.
    const clock = { now: () => new Date() };
    const asked: string[] = [];
    const counted: Leases = {
      acquire: (...args) => { asked.push('acquire'); return on(0).leases.acquire(...args); },
      release: (...args) => { asked.push('release'); return on(0).leases.release(...args); },
    };
    const a = new JobLeases({ leases: counted, holder: 'bot-a', clock, ttlInMs: 3_000 });
    const b = new JobLeases({ leases: on(1).leases, holder: 'bot-b', clock, ttlInMs: 3_000 });
    const keep = { keepInMs: 600 };
    // Act: five runs of A 100 ms apart (each within the last one's keep), B asking meanwhile; then a pause.
    const runsOfA: boolean[] = [];
    const seenByB: boolean[] = [];
    for (let n = 0; n < 5; n++) {
      runsOfA.push((await a.run('outbox', async () => 'sent', keep)).ran);
      seenByB.push((await b.run('outbox', async () => 'sent', keep)).ran);
      await sleep(100);
    }
    const whileKept = [...asked];
    await sleep(1_000);
    const afterKeep = await b.run('outbox', async () => 'b sent', { keepInMs: 0 });
    // Assert: one acquire for A's five runs; B kept out until A's keep ran out and A released.
    expect(runsOfA).toEqual([true, true, true, true, true]);
    expect(seenByB).toEqual([false, false, false, false, false]);
    expect(whileKept).toEqual(['acquire']);
    expect(asked).toEqual(['acquire', 'release']);
    expect(afterKeep).toEqual({ ran: true, value: 'b sent' });
    await a.stop();
    await b.stop();
  });

  it('when the clock moved on by more than a third of the ttl since a kept lease was written, then the next run asks the store again, and stop() releases what is kept', async () => {
    // Arrange: a clock that jumps (the store compares lease times on it: another instance may take the lease now).
    const clock = { at: Date.parse('2025-03-01T10:00:00Z'), now(): Date { return new Date(this.at); } };
    const asked: string[] = [];
    const counted: Leases = {
      acquire: (...args) => { asked.push('acquire'); return on(0).leases.acquire(...args); },
      release: (...args) => { asked.push('release'); return on(0).leases.release(...args); },
    };
    const a = new JobLeases({ leases: counted, holder: 'bot-a', clock, ttlInMs: 60_000 });
    // Act: a run; 61 s later on the clock (A's lease ran out there, and B took it) another, well within A's keep in real time.
    expect((await a.run('expiry', async () => 'swept')).ran).toBe(true);
    clock.at += 61_000;
    expect(await on(1).leases.acquire('expiry', 'bot-b', 60_000, clock.now().toISOString())).toBe(true);
    const second = await a.run('expiry', async () => 'swept twice');
    clock.at += 61_000;
    const third = await a.run('expiry', async () => 'swept');
    await a.stop();
    // Assert: A asked each time, was refused while B held it, and released what it kept when stopped.
    expect(second).toEqual({ ran: false });
    expect(third).toEqual({ ran: true, value: 'swept' });
    expect(asked).toEqual(['acquire', 'acquire', 'acquire', 'release']);
    expect(await on(1).leases.acquire('expiry', 'bot-b', 60_000, clock.now().toISOString())).toBe(true);
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
