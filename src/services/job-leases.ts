// Jobs that one bot instance at a time may run (sending the outbox, the periodic sweeps): each run holds a lease.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as immediately } from 'node:timers/promises';
import { instanceProcessHolder } from '../store/lease-holder';
import type { Leases } from '../store/ports';
import type { Clock } from './clock';

/**
 * Gives the event loop one turn (timers, I/O, users' turns waiting) before a periodic job's next item. The store's
 * SQLite calls resolve without one, so a loop over items would otherwise run as one stretch, however many there are.
 */
export const nextTurn = (): Promise<void> => immediately();

/** What a job sees of its lease while it runs. */
export interface LeaseRun {
  /**
   * The lease may be another instance's now (a renewal was refused, or none was confirmed within the ttl, as after a
   * long pause): the job stops before its next item, so two instances do not work on the same things.
   */
  readonly lost: boolean;
}

export type JobRun<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

export interface JobGate {
  /**
   * Runs `job` while this instance holds the lease `name`. `ran: false` (nothing done) when another instance holds
   * it, or when this instance is already running that job. Throws what the store threw when the lease could not be
   * asked for (StoreUnavailableError): the job did not run.
   */
  run<T>(name: string, job: (lease: LeaseRun) => Promise<T>, options?: RunOptions): Promise<JobRun<T>>;
}

export interface RunOptions {
  /** This job's ttl instead of the default: how long a crashed holder keeps everyone else from it. */
  readonly ttlInMs?: number;
  /**
   * How long the lease is kept after a run instead of released at once, so that the next run here within that time
   * asks the store nothing (a burst of outbox drains, a sweep every few seconds). Never beyond a third of the ttl
   * after the lease was last written: past that a run asks the store again. Another instance waits this much longer
   * for the lease after a run here. Default: a third of the ttl; 0 releases as the run ends (one-off claims).
   */
  readonly keepInMs?: number;
}

/** A bot that shares its store with nobody (unit tests of one service): every run runs. */
export const ALONE: JobGate = {
  run: async (_name, job) => ({ ran: true, value: await job({ lost: false }) }),
};

/**
 * This process among the bot's instances: host, pid, and a random part (two bots in one process differ too). With
 * the App Service instance it runs on (WEBSITE_INSTANCE_ID, stable across restarts) and its start time, a process
 * restarted on that instance takes its dead predecessor's leases at once (src/store/lease-holder.ts) instead of
 * waiting out their ttl: the outbox then sends right after a kill -9 and restart.
 */
export function instanceHolderId(instance?: { readonly id: string; readonly startedAt: Date }): string {
  const thisProcess = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  return instance ? instanceProcessHolder(instance.id, instance.startedAt, thisProcess) : thisProcess;
}

export interface JobLeasesOptions {
  readonly leases: Leases;
  /** This instance (instanceHolderId()). */
  readonly holder: string;
  /** Lease times in the store are on this clock: instances' clocks must agree to well within the ttl. */
  readonly clock: Clock;
  /** How long a lease lasts without renewal, so a crashed holder's job is taken over after at most this. Default 2 min. */
  readonly ttlInMs?: number;
  /** A renewal or a release that failed (the lease then runs out on its own). */
  readonly onError?: (error: unknown, name: string) => void;
}

export const DEFAULT_LEASE_TTL_MS = 2 * 60_000;

/** A lease this instance keeps between runs: when it was last written, on both clocks, and its release timer. */
interface Kept {
  readonly ttl: number;
  /** performance.now() when the write that confirmed it was asked (a pause of this process counts). */
  readonly confirmedAt: number;
  /** The clock's time (ms) of that write: the store's expiry is this + ttl. */
  readonly confirmedOnClock: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * One lease write to start a run, renewed every third of the ttl while it lasts. At its end the lease is kept a
 * moment (RunOptions.keepInMs) and then released, so another instance can run the job right after; a run here in
 * between writes nothing. An idle drain of the outbox right after another thus costs no lease request at all.
 */
export class JobLeases implements JobGate {
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly kept = new Map<string, Kept>();
  private readonly releasing = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly options: JobLeasesOptions) {}

  async run<T>(name: string, job: (lease: LeaseRun) => Promise<T>, options: RunOptions = {}): Promise<JobRun<T>> {
    // The lease is this instance's while a run holds it: a second run here would be let in by the store.
    if (this.running.has(name)) return { ran: false };
    const ttl = options.ttlInMs ?? this.options.ttlInMs ?? DEFAULT_LEASE_TTL_MS;
    const run = this.held(name, job, ttl, options.keepInMs ?? Math.floor(ttl / 3));
    this.running.set(name, run);
    try {
      return await run;
    } finally {
      this.running.delete(name);
    }
  }

  /**
   * A job to do once per start (resuming what a stopped instance left): now, or, while another instance holds its
   * lease, again each time that lease could have run out (its holder may have crashed while doing it).
   */
  runOnce(name: string, job: () => Promise<unknown>, onError: (error: unknown) => void): void {
    const attempt = (): void => {
      this.run(name, job).then(
        (run) => {
          if (!run.ran) this.later(attempt);
        },
        // The store could not be asked (or the job threw): tried again later, as if the lease were held.
        (error: unknown) => {
          onError(error);
          this.later(attempt);
        },
      );
    };
    attempt();
  }

  /** No more retries; resolves once no run holds a lease and kept leases are released (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
    for (const name of [...this.kept.keys()]) this.releaseKept(name);
    await Promise.allSettled([...this.releasing.values()]);
  }

  private later(attempt: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      attempt();
    }, this.options.ttlInMs ?? DEFAULT_LEASE_TTL_MS);
    timer.unref();
    this.retries.add(timer);
  }

  /**
   * The kept lease `name`, no longer kept: its confirmation when it is still ours for sure — written less than a third
   * of its ttl ago by both clocks (a paused process, a clock moved on), so two thirds of it are left — else undefined.
   */
  private reuse(name: string, ttl: number): { readonly at: number; readonly onClock: number } | undefined {
    const kept = this.kept.get(name);
    if (!kept) return undefined;
    clearTimeout(kept.timer);
    this.kept.delete(name);
    const fresh = kept.ttl === ttl && performance.now() - kept.confirmedAt < ttl / 3 && this.options.clock.now().getTime() - kept.confirmedOnClock < ttl / 3;
    return fresh ? { at: kept.confirmedAt, onClock: kept.confirmedOnClock } : undefined;
  }

  /** Keeps the lease until `keep` after now, but not past a third of its ttl after its last write; then releases it. */
  private keep(name: string, ttl: number, keep: number, confirmed: { readonly at: number; readonly onClock: number }): void {
    const delay = Math.min(keep, confirmed.at + ttl / 3 - performance.now());
    if (delay <= 0 || this.stopped) {
      this.release(name);
      return;
    }
    const timer = setTimeout(() => this.releaseKept(name), delay);
    timer.unref();
    this.kept.set(name, { ttl, confirmedAt: confirmed.at, confirmedOnClock: confirmed.onClock, timer });
  }

  private releaseKept(name: string): void {
    const kept = this.kept.get(name);
    if (!kept) return;
    clearTimeout(kept.timer);
    this.kept.delete(name);
    this.release(name);
  }

  /**
   * Releases in the background; a run of `name` waits for it first (else the release would free that run's lease).
   * `remove`: a lease released as its run ends (keepInMs 0: a claim on one request) is not asked for again: its row goes.
   */
  private release(name: string, remove = false): Promise<void> {
    const { leases, holder } = this.options;
    const released = leases.release(name, holder, { remove })
      .catch((error: unknown) => this.options.onError?.(error, name))
      .finally(() => {
        if (this.releasing.get(name) === released) this.releasing.delete(name);
      });
    this.releasing.set(name, released);
    return released;
  }

  private async held<T>(name: string, job: (lease: LeaseRun) => Promise<T>, ttl: number, keep: number): Promise<JobRun<T>> {
    const { leases, holder, clock } = this.options;
    await this.releasing.get(name);
    // The store compares lease times on the clock; a pause of this process is measured in real time.
    let confirmed = this.reuse(name, ttl);
    if (!confirmed) {
      const asked = { at: performance.now(), onClock: clock.now().getTime() };
      if (!(await leases.acquire(name, holder, ttl, new Date(asked.onClock).toISOString()))) return { ran: false };
      confirmed = asked;
    }
    let refused = false;
    const lease: LeaseRun = {
      get lost() {
        return refused || performance.now() >= (confirmed?.at ?? 0) + ttl;
      },
    };
    let renewing: Promise<void> = Promise.resolve();
    const renew = (): void => {
      const asked = { at: performance.now(), onClock: clock.now().getTime() };
      renewing = leases.acquire(name, holder, ttl, new Date(asked.onClock).toISOString()).then(
        (ours) => {
          if (ours) confirmed = asked;
          else refused = true;
        },
        (error: unknown) => this.options.onError?.(error, name),
      );
    };
    const timer = setInterval(renew, Math.max(1_000, Math.floor(ttl / 3)));
    timer.unref();
    try {
      return { ran: true, value: await job(lease) };
    } finally {
      clearInterval(timer);
      // A renewal still on its way would take the lease again after the release.
      await renewing;
      if (!refused) {
        if (keep > 0 && !lease.lost) this.keep(name, ttl, keep, confirmed);
        else await this.release(name, keep === 0);
      }
    }
  }
}
