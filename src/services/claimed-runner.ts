// Work on one request at a time, across instances sharing the store: each request under its own claim (a lease), with
// the resumes, the retry after a claim held elsewhere, and the graceful stop that provisioning and revocation share.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { ALONE, nextTurn, type JobGate, type JobRun } from './job-leases';
import { outboxMessage } from './outbox-sender';

/**
 * How long an instance's claim on one request lasts without renewal (renewed every third of it while the work runs):
 * how long a crashed instance keeps the others from finishing its request.
 */
export const DEFAULT_CLAIM_TTL_MS = 60_000;

/**
 * The lease one instance holds while it provisions, revokes or expires a request. One name for every kind of work on
 * a request, so no two instances ever call ARM for the same request at once (and the name instances already running
 * hold, so a rolling update keeps the guarantee).
 */
export const claimOf = (id: RequestId): string => `provision:${id}`;

/**
 * Runs `work` while this instance holds the request's claim; `ran: false` (nothing done) when another instance holds
 * it. The work reads the request itself once the claim is taken, so what another instance finished meanwhile is seen.
 */
export function underClaim<T>(jobs: JobGate | undefined, id: RequestId, work: () => Promise<T>, ttlInMs: number = DEFAULT_CLAIM_TTL_MS): Promise<JobRun<T>> {
  // Released as the work ends (not kept): a request's claim is not asked for again, and another instance may need it.
  return (jobs ?? ALONE).run(claimOf(id), work, { ttlInMs, keepInMs: 0 });
}

export interface ClaimedRunnerOptions {
  /** The work on one request, under its claim. */
  readonly work: (id: RequestId) => Promise<void>;
  /** The requests a resume takes up, read from the store each time. */
  readonly pending: () => Promise<readonly RequestId[]>;
  /** The work threw (not an expected failure): logged; the request is taken up again at the next resume. */
  readonly onError: (error: unknown, requestId: RequestId) => void;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
  /** Instances sharing the store. Default: alone on the store. */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_CLAIM_TTL_MS. */
  readonly claimTtlInMs?: number;
}

export class ClaimedRunner {
  private readonly running = new Map<RequestId, Promise<boolean>>();
  private readonly resuming = new Set<Promise<unknown>>();
  private readonly wakeUps = new Set<() => void>();
  private retry: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private halted = false;

  constructor(private readonly options: ClaimedRunnerOptions) {}

  /** True once stop() was called: the work ends what it can end now and leaves the rest to the next resume. */
  get stopping(): boolean {
    return this.halted;
  }

  /**
   * Starts the work in the background (at most once at a time per request, on every instance); resolves to false when
   * another instance holds the request's claim (it is working on it now). Once stopping, nothing new starts (the
   * request is taken up at the next start). The promise is for tests.
   */
  start(id: RequestId): Promise<boolean> {
    const existing = this.running.get(id);
    if (existing) return existing;
    if (this.halted) return Promise.resolve(true);
    const run = underClaim(this.options.jobs, id, () => this.options.work(id), this.ttl())
      .then((claim) => claim.ran, (error: unknown) => {
        this.options.onError(error, id);
        return true;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * Every pending request is taken up, one after another (each a short stretch of the event loop). One that another
   * instance holds now is looked at again once its claim could have run out: if that instance died mid-call, this one
   * finishes the request.
   */
  resume(): Promise<void> {
    // Tracked from the read on, so idle() also waits for a resume whose requests are still being read.
    const job = this.resumeAll();
    this.resuming.add(job);
    void job.catch(() => undefined).finally(() => this.resuming.delete(job));
    return job;
  }

  /**
   * Resumes now and then every `intervalInMs` (the timer never keeps the process alive): what an instance that died
   * mid-call left is finished by another one still running, not only at the next start.
   */
  resumeEvery(intervalInMs: number): void {
    if (this.timer || this.halted) return;
    this.resumeLogged();
    this.timer = setInterval(() => this.resumeLogged(), intervalInMs);
    this.timer.unref();
  }

  /** Waits for every run in flight and every resume still reading (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.resuming.size > 0) await Promise.allSettled([...this.running.values(), ...this.resuming]);
  }

  /** Shutdown: no new work, no more resumes, waits in progress end now (wait() says false), runs in flight awaited. */
  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.retry);
    clearInterval(this.timer);
    this.retry = undefined;
    this.timer = undefined;
    for (const wake of [...this.wakeUps]) wake();
    await this.idle();
  }

  /** Waits `ms` with `sleep`, cut short by stop(): false when stopping (the work should leave the request as it is). */
  async wait(ms: number, sleep: (ms: number) => Promise<void>): Promise<boolean> {
    if (this.halted) return false;
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.wakeUps.add(wake);
    try {
      await Promise.race([sleep(ms), woken]);
    } finally {
      this.wakeUps.delete(wake);
    }
    return !this.halted;
  }

  private ttl(): number {
    return this.options.claimTtlInMs ?? DEFAULT_CLAIM_TTL_MS;
  }

  private resumeLogged(): void {
    this.resume().catch((error: unknown) => this.options.onResumeError?.(error));
  }

  private async resumeAll(): Promise<void> {
    const ids = await this.options.pending();
    const started: Promise<boolean>[] = [];
    for (const id of ids) {
      if (this.halted) break;
      await nextTurn();
      started.push(this.start(id));
    }
    if ((await Promise.all(started)).some((ours) => !ours)) this.resumeLater();
  }

  private resumeLater(): void {
    if (this.retry || this.halted) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.resumeLogged();
    }, this.ttl());
    this.retry.unref();
  }
}

export interface ClaimedRequestOptions extends Omit<ClaimedRunnerOptions, 'work' | 'pending'> {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  /** Which approved requests this service does (provisioning: grants; revocation: removals). */
  readonly handles: (request: AccessRequest) => boolean;
}

const SYSTEM = { kind: 'system' } as const;
type Outcome = NonNullable<AccessRequest['outcome']>;

/**
 * A service that carries approved requests to ARM one claim at a time: approved → provisioning (stored before the
 * call), the call, the outcome stored; its public face is the runner's.
 */
export abstract class ClaimedRequestService {
  protected readonly runner: ClaimedRunner;

  protected constructor(private readonly claimed: ClaimedRequestOptions) {
    const { requests, handles } = claimed;
    this.runner = new ClaimedRunner({
      ...claimed,
      work: (id) => this.work(id),
      pending: async () => (await requests.listByState(['approved', 'provisioning'])).filter(handles).map((request) => request.id),
    });
  }

  /** The work on one request, under its claim. */
  protected abstract work(id: RequestId): Promise<void>;

  /** Starts the work in the background; false when another instance holds the request's claim (working on it now). */
  start(id: RequestId): Promise<boolean> {
    return this.runner.start(id);
  }

  /** After a restart: every approved or half-done request of this service is taken up again (ClaimedRunner.resume). */
  resume(): Promise<void> {
    return this.runner.resume();
  }

  /** Resumes now and then every `intervalInMs`: what an instance that died mid-call left is finished by another. */
  resumeEvery(intervalInMs: number): void {
    this.runner.resumeEvery(intervalInMs);
  }

  /** Waits for every run in flight (graceful shutdown, tests). */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Shutdown: no new work, waits end now (those requests resume at the next start), calls in flight are awaited. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  /**
   * Read under the claim, so a request another instance finished meanwhile is left alone; moved to `provisioning`
   * and stored before the call, so a crash from here on resumes to the same idempotent call. undefined: nothing to do.
   */
  protected async begin(id: RequestId, event: string): Promise<AccessRequest | undefined> {
    const approved = await this.claimed.requests.get(id);
    if (!approved || !this.claimed.handles(approved)) return undefined;
    const started = transition(approved, { type: 'start_provisioning' }, SYSTEM, this.claimed.clock.now());
    if (!started.ok) return undefined;
    const request = started.request;
    const audit = { requestId: id, event, actor: 'system', at: request.updatedAt, detail: { assignmentName: request.assignmentName, scope: request.scope } };
    return (await this.claimed.changes.record({ request, audit, outbox: [outboxMessage('request_changed', request)] })) ? request : undefined;
  }

  /** The call's outcome, stored with its audit entry (`event`, with `detail` beside the outcome) and told. */
  protected async finish(request: AccessRequest, outcome: Outcome, event: string, detail: Readonly<Record<string, unknown>>): Promise<void> {
    const done = transition(request, { type: 'provisioned', outcome }, SYSTEM, this.claimed.clock.now());
    if (!done.ok) return;
    await this.claimed.changes.record({
      request: done.request,
      audit: { requestId: request.id, event, actor: 'system', at: done.request.updatedAt, detail: { ...outcome, ...detail } },
      outbox: [outboxMessage('request_changed', done.request)],
    });
  }
}
