// Watches requests waiting until the bot may act for their customer: readiness moves them on to approval (after the
// access assignments of a GDAP relationship the bot created); what they wait for is kept current; a reminder; expiry.
// Removals waiting for the bot's access to their customer are made once readiness finds it back.
import type { AccessRequest } from '../domain/access-request';
import type { RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import type { CompletionResult, GdapCompletion } from './gdap-completion';
import { ALONE, nextTurn, type JobGate, type LeaseRun } from './job-leases';
import { CloudUnavailableError } from './ports';
import type { Readiness, ReadinessService } from './readiness';
import { outboxMessage } from './outbox-sender';
import { invitationPayload, targetOf, type RelationshipService, type RequestAdvancer } from './relationships';
import type { WaitingRemovalsPort } from './removal-waits';

export interface RelationshipWatcherOptions {
  /** How often each customer's acceptance is checked: 5 minutes by default. */
  readonly pollIntervalInMs: number;
  /** Backing off after failures and throttling (429) doubles the wait up to this (a longer Retry-After wins): 1 hour by default. */
  readonly maxPollIntervalInMs?: number;
  /** The requester is reminded once after this long without acceptance. */
  readonly reminderAfterInMs: number;
  /** After this long without acceptance the request times out: 14 days by default. */
  readonly expiresAfterInMs: number;
}

export interface RelationshipWatcherDependencies {
  readonly store: RequestRepository;
  readonly clock: Clock;
  readonly readiness: ReadinessService;
  /** GDAP: gives an approved relationship's roles to the partner's security groups before readiness is asked. */
  readonly completion?: GdapCompletion;
  readonly relationships: RelationshipService;
  readonly requests: RequestAdvancer;
  readonly onError?: (error: unknown, context: { readonly requestId?: string; readonly customer?: string }) => void;
  /** Instances sharing the store poll one at a time (lease `relationships`); default: alone on the store. */
  readonly jobs?: JobGate;
  /** Removals (revokes, ended time-bound access) waiting for the bot's access to their customer (removal-waits.ts). */
  readonly removals?: WaitingRemovalsPort;
}

interface Backoff {
  readonly failures: number;
  readonly nextCheckAt: number;
}

/** One readiness answer per customer and subscription per round, and one backoff. */
const readyKey = (request: AccessRequest): string => `ready:${request.customer.tenantId.toLowerCase()}|${request.subscription.id.toLowerCase()}`;

/** A 429 that does not say how long to wait: wait this long. */
const DEFAULT_THROTTLE_WAIT_IN_MS = 60_000;

/** How long the service asked us to keep away: its Retry-After, or a minute for a 429 that does not say; else undefined. */
function keepAwayInMs(error: unknown): number | undefined {
  if (!(error instanceof CloudUnavailableError)) return undefined;
  return error.retryAfterInMs ?? (error.statusCode === 429 ? DEFAULT_THROTTLE_WAIT_IN_MS : undefined);
}

/**
 * Polls on a timer; the state lives in the store (requests in `awaiting_relationship`), so a restart simply
 * picks them up again. Each customer (or GDAP relationship) is asked at most once per interval, less often after
 * failures or throttling.
 */
export class RelationshipWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly backoff = new Map<string, Backoff>();
  /**
   * A 429 (or a Retry-After) is about the partner's calls, not one customer: nothing more is asked of that service,
   * for any customer, until this time (readiness asks Partner Center, Graph and ARM, so none is asked meanwhile).
   */
  private readonly keepAwayUntil = new Map<string, number>();

  constructor(
    private readonly deps: RelationshipWatcherDependencies,
    private readonly options: RelationshipWatcherOptions,
  ) {}

  /** Checks now, then every interval (at most every minute of real time, so backoff and reminders stay on time). */
  start(): void {
    void this.pollNow();
    this.timer = setInterval(() => void this.pollNow(), Math.max(1_000, Math.min(60_000, this.options.pollIntervalInMs)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A round over every waiting request, starting after the one in progress (rounds never overlap; at most one waits). */
  pollNow(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const round: Promise<void> = previous.then(() => {
      this.queued = undefined;
      return this.round();
    });
    this.queued = round;
    this.running = round.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    const tracked = this.running;
    return round;
  }

  private async round(): Promise<void> {
    try {
      // Another instance's round asks the same clouds about the same requests: skipped here.
      await (this.deps.jobs ?? ALONE).run('relationships', (lease) => this.roundHeld(lease));
    } catch (error) {
      // The store could not be read (or the lease asked for): the next round tries again; a timer's round never throws.
      this.deps.onError?.(error, {});
    }
  }

  private async roundHeld(lease: LeaseRun): Promise<void> {
    const waiting = await this.deps.store.listByState(['awaiting_relationship']);
    const found = new Map<string, Readiness | undefined>();
    const completed = new Map<string, CompletionResult | undefined>();
    for (const request of waiting) {
      // Each request its own short stretch of the event loop; and none once the lease may be another instance's.
      await nextTurn();
      if (lease.lost) return;
      try {
        await this.check(request, found, completed);
      } catch (error) {
        this.deps.onError?.(error, { requestId: request.id });
      }
    }
    for (const removal of (await this.deps.removals?.waiting()) ?? []) {
      await nextTurn();
      if (lease.lost) return;
      try {
        await this.checkRemoval(removal, found);
      } catch (error) {
        this.deps.onError?.(error, { requestId: removal.id });
      }
    }
  }

  /** A removal waiting for its access: made once readiness (asked as for a waiting request, the same backoff) finds it back. */
  private async checkRemoval(request: AccessRequest, found: Map<string, Readiness | undefined>): Promise<void> {
    const key = readyKey(request);
    if (!found.has(key)) found.set(key, await this.guarded(key, request, this.deps.clock.now().getTime(), () => this.deps.readiness.check(targetOf(request), { fresh: true })));
    if (found.get(key)?.ready) await this.deps.removals?.resume(request);
  }

  private async check(request: AccessRequest, found: Map<string, Readiness | undefined>, completed: Map<string, CompletionResult | undefined>): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const since = Date.parse(request.relationship?.since ?? request.updatedAt);
    if (now - since >= this.options.expiresAfterInMs) {
      await this.deps.requests.advance(request.id, { type: 'time_out' });
      return;
    }
    const relationshipId = request.relationship?.relationshipId;
    // A GDAP relationship the bot created gives nobody anything until its access assignments are active.
    if (relationshipId && this.deps.completion) {
      const key = `gdap:${relationshipId}`;
      if (!completed.has(key)) completed.set(key, await this.guarded(key, request, now, () => this.deps.completion?.complete(relationshipId)));
      const completion = completed.get(key);
      if (completion?.kind === 'no_group_configured') return this.waitingFor(request, { kind: 'missing_setting', setting: 'GDAP_SECURITY_GROUPS' });
      if (completion === undefined || completion.kind === 'pending') return this.remindIfDue(request, now, since);
    }
    const key = readyKey(request);
    if (!found.has(key)) found.set(key, await this.guarded(key, request, now, () => this.deps.readiness.check(targetOf(request), { fresh: true })));
    const readiness = found.get(key);
    if (readiness?.ready) return this.deps.relationships.resume(request);
    if (readiness && readiness.gap.kind !== 'no_relationship') return this.waitingFor(request, readiness.gap);
    if (readiness?.gap.kind === 'no_relationship') {
      // No invitation went out (a cloud did not answer then); or the customer accepted the reseller link, and what is
      // missing now is the GDAP relationship: the invitation goes out the same way.
      const unsent = request.relationship?.url === undefined;
      const gdapNext = request.relationship?.mode === 'reseller' && this.deps.relationships.modeFor(readiness.gap.reseller) === 'gdap';
      if (unsent || gdapNext) return this.deps.relationships.invite(request, { retry: unsent });
    }
    return this.remindIfDue(request, now, since);
  }

  /** Records and tells what the request waits for, when that changed. */
  private async waitingFor(request: AccessRequest, gap: Extract<Readiness, { ready: false }>['gap']): Promise<void> {
    if (JSON.stringify(request.relationship?.missing) === JSON.stringify(gap)) return;
    await this.deps.relationships.waitFor(request, gap);
  }

  private async remindIfDue(request: AccessRequest, now: number, since: number): Promise<void> {
    if (now - since >= this.options.reminderAfterInMs && request.relationship?.remindedAt === undefined) {
      const invitation = this.deps.relationships.invitationOf(request);
      if (!invitation) return;
      await this.deps.requests.advance(request.id, { type: 'relationship_reminded' }, (next) => [outboxMessage('relationship_reminder', next, { invitation: invitationPayload(invitation) })]);
    }
  }

  /** `ask()`'s answer; undefined when not asked this round (backing off, keeping away) or when the cloud did not answer. */
  private async guarded<T>(key: string, request: AccessRequest, now: number, ask: () => Promise<T> | undefined): Promise<T | undefined> {
    const state = this.backoff.get(key);
    if (state && state.nextCheckAt > now) return undefined;
    if ([...this.keepAwayUntil.values()].some((until) => until > now)) return undefined;
    try {
      const answer = await ask();
      this.backoff.set(key, { failures: 0, nextCheckAt: now + this.options.pollIntervalInMs });
      return answer;
    } catch (error) {
      const failures = (state?.failures ?? 0) + 1;
      const max = this.options.maxPollIntervalInMs ?? 3_600_000;
      const keepAway = keepAwayInMs(error);
      if (keepAway !== undefined && error instanceof CloudUnavailableError) this.keepAwayUntil.set(error.service, now + keepAway);
      const wait = Math.max(keepAway ?? 0, Math.min(max, this.options.pollIntervalInMs * 2 ** failures));
      this.backoff.set(key, { failures, nextCheckAt: now + wait });
      this.deps.onError?.(error, { requestId: request.id, customer: request.customer.tenantId });
      return undefined;
    }
  }
}
