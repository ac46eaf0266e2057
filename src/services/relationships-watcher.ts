// Watches requests waiting for a customer's relationship: acceptance moves them on to approval; a reminder; expiry.
import type { AccessRequest } from '../domain/access-request';
import type { RequestStore } from '../store/request-store';
import type { Clock } from './clock';
import { CloudUnavailableError, type PartnerCenterGateway } from './ports';
import type { RelationshipService, RequestAdvancer } from './relationships';
import type { GdapGateway, RelationshipNotifier } from './relationships-ports';

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
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly partnerCenter: PartnerCenterGateway;
  readonly gdap?: GdapGateway;
  readonly relationships: RelationshipService;
  readonly requests: RequestAdvancer;
  readonly notifier: RelationshipNotifier;
  readonly onError?: (error: unknown, context: { readonly requestId?: string; readonly customer?: string }) => void;
}

interface Backoff {
  readonly failures: number;
  readonly nextCheckAt: number;
}

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
   * for any customer, until this time.
   */
  private readonly keepAwayUntil = new Map<'PartnerCenter' | 'Graph', number>();

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
    const waiting = this.deps.store.listByState(['awaiting_relationship']);
    const accepted = new Map<string, boolean | undefined>();
    for (const request of waiting) {
      try {
        await this.check(request, accepted);
      } catch (error) {
        this.deps.onError?.(error, { requestId: request.id });
      }
    }
  }

  private async check(request: AccessRequest, accepted: Map<string, boolean | undefined>): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const since = Date.parse(request.relationship?.since ?? request.updatedAt);
    if (now - since >= this.options.expiresAfterInMs) {
      await this.deps.requests.advance(request.id, { type: 'time_out' });
      return;
    }
    const key = request.relationship?.relationshipId ? `gdap:${request.relationship.relationshipId}` : `customer:${request.customer.tenantId.toLowerCase()}`;
    if (!accepted.has(key)) accepted.set(key, await this.isAccepted(key, request, now));
    if (accepted.get(key) === true) {
      const moved = await this.deps.requests.advance(request.id, { type: 'relationship_accepted' });
      if (moved.ok && moved.request) await this.deps.notifier.accepted(moved.request);
      return;
    }
    if (now - since >= this.options.reminderAfterInMs && request.relationship?.remindedAt === undefined) {
      const invitation = this.deps.relationships.invitationOf(request);
      const reminded = await this.deps.requests.advance(request.id, { type: 'relationship_reminded' });
      if (reminded.ok && reminded.request && invitation) await this.deps.notifier.reminder(reminded.request, { ...invitation, request: reminded.request });
    }
  }

  /** true: accepted; false: not yet; undefined: not asked this round (backing off) or the cloud did not answer. */
  private async isAccepted(key: string, request: AccessRequest, now: number): Promise<boolean | undefined> {
    const state = this.backoff.get(key);
    if (state && state.nextCheckAt > now) return undefined;
    const relationshipId = request.relationship?.relationshipId;
    const service = relationshipId && this.deps.gdap ? 'Graph' : 'PartnerCenter';
    if ((this.keepAwayUntil.get(service) ?? 0) > now) return undefined;
    try {
      let yes: boolean;
      if (relationshipId && this.deps.gdap) {
        yes = (await this.deps.gdap.getRelationship(relationshipId))?.status.toLowerCase() === 'active';
      } else {
        // Unknown is not yes: only an explicit allowDelegatedAccess: true counts.
        yes = (await this.deps.partnerCenter.getCustomer(request.customer.tenantId))?.allowDelegatedAccess === true;
      }
      this.backoff.set(key, { failures: 0, nextCheckAt: now + this.options.pollIntervalInMs });
      return yes;
    } catch (error) {
      const failures = (state?.failures ?? 0) + 1;
      const max = this.options.maxPollIntervalInMs ?? 3_600_000;
      const keepAway = keepAwayInMs(error);
      if (keepAway !== undefined) this.keepAwayUntil.set(service, now + keepAway);
      const wait = Math.max(keepAway ?? 0, Math.min(max, this.options.pollIntervalInMs * 2 ** failures));
      this.backoff.set(key, { failures, nextCheckAt: now + wait });
      this.deps.onError?.(error, { requestId: request.id, customer: request.customer.tenantId });
      return undefined;
    }
  }
}
