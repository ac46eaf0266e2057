// Time-bound access: reminds the requester once before the end, removes the role assignment at the end, and
// survives restarts (a sweep at start and on an interval reads what is due from the store). A removal refused because
// the bot's access to the customer is gone waits for it (removal-waits.ts): the sweeps leave it, the watcher resumes it.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { ReadinessGap } from '../domain/readiness-gap';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { underClaim } from './claimed-runner';
import { ALONE, nextTurn, type JobGate, type LeaseRun } from './job-leases';
import { outboxMessage } from './outbox-sender';
import type { AzureRbacGateway } from './ports';
import { refusalOf } from './refusals';
import { lostAccessGap, waitForAccess, type ReadinessCheck } from './removal-waits';

export const DEFAULT_EXPIRY_REMINDER_BEFORE_MS = 60 * 60_000;
export const DEFAULT_EXPIRY_SWEEP_INTERVAL_MS = 60_000;

export interface ExpiryDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly rbac: AzureRbacGateway;
  /** How long before the end the requester is reminded; default one hour. 0 turns reminders off. */
  readonly reminderBeforeInMs?: number;
  /** A removal that failed (ARM refused or did not answer): logged, and tried again at the next sweep. */
  readonly onError: (error: unknown, requestId?: RequestId) => void;
  /**
   * Instances sharing the store sweep one at a time (lease `expiry`), and each removal runs under the request's claim
   * (claimed-runner.ts), so one instance alone handles an expiring request even when the sweep's lease changes hands
   * mid-sweep. Default: alone on the store.
   */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_CLAIM_TTL_MS (claimed-runner.ts). */
  readonly claimTtlInMs?: number;
  /** Asked afresh when ARM refuses the DELETE: is the bot's access to the customer gone? Without it, retried every sweep. */
  readonly readiness?: ReadinessCheck;
  /** The removal waits for access to its customer: the approvers must hear it. */
  readonly onAccessLost?: (request: AccessRequest, gap: ReadinessGap) => void;
  /** Grants handled per sweep, oldest end first; default 500. */
  readonly limit?: number;
}

export interface SweepResult {
  readonly reminded: number;
  readonly expired: number;
  /** Removals that failed this time (they stay `active` and are tried again next sweep). */
  readonly failed: number;
}

const SYSTEM = { kind: 'system' } as const;
/** What one removal came to: done, refused (tried again next sweep), or waiting for the bot's access to the customer. */
type Removal = 'expired' | 'failed' | 'waiting';

/** Two grants of one role to one user on one scope (ARM ids compared without case; a role by its definition's GUID). */
function sameGrant(a: AccessRequest, b: AccessRequest): boolean {
  const roleGuid = (definitionId: string) => definitionId.slice(definitionId.lastIndexOf('/') + 1).toLowerCase();
  return a.action === 'grant' && b.action === 'grant' && a.principal.id.toLowerCase() === b.principal.id.toLowerCase()
    && a.scope.toLowerCase() === b.scope.toLowerCase() && roleGuid(a.role.definitionId) === roleGuid(b.role.definitionId);
}

export class ExpiryService {
  private current: Promise<SweepResult> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ExpiryDependencies) {}

  /** Sweeps now (what fell due while the bot was down) and then every `intervalInMs`; the timer never keeps the process alive. */
  start(intervalInMs: number = DEFAULT_EXPIRY_SWEEP_INTERVAL_MS): void {
    if (this.timer) return;
    const sweep = () => void this.sweep().catch((error: unknown) => this.deps.onError(error));
    sweep();
    this.timer = setInterval(sweep, intervalInMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }

  /** One pass over the active time-bound requests: removals due, then reminders due. One pass at a time, on one instance. */
  sweep(): Promise<SweepResult> {
    this.current ??= this.sweepOnce().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async sweepOnce(): Promise<SweepResult> {
    // Another instance sweeping now does the same work: this one has nothing to do.
    const run = await (this.deps.jobs ?? ALONE).run('expiry', (lease) => this.sweepDue(lease));
    return run.ran ? run.value : { reminded: 0, expired: 0, failed: 0 };
  }

  private async sweepDue(lease: LeaseRun): Promise<SweepResult> {
    const now = this.deps.clock.now().getTime();
    const lead = this.deps.reminderBeforeInMs ?? DEFAULT_EXPIRY_REMINDER_BEFORE_MS;
    const due = await this.dueNow(now, lead);
    let reminded = 0;
    let expired = 0;
    let failed = 0;
    for (const request of due) {
      // Each item its own short stretch of the event loop; and none once the lease may be another instance's.
      await nextTurn();
      if (lease.lost) break;
      const end = Date.parse(request.expiresAt ?? '');
      if (Number.isNaN(end)) continue;
      try {
        // Waiting for the bot's access to the customer: the relationship watcher takes it up once that is back.
        if (end <= now && request.removalWait !== undefined) continue;
        if (end <= now) {
          const removal = await underClaim(this.deps.jobs, request.id, () => this.expireClaimed(request.id), this.deps.claimTtlInMs);
          // Not ran: another instance is removing it now. Done elsewhere: expired (or changed) since the list was read.
          if (removal.ran && removal.value === 'expired') expired += 1;
          else if (removal.ran && removal.value === 'failed') failed += 1;
        } else if (lead > 0 && end - lead <= now && request.reminderSentAt === undefined && !(await this.extensionOf(request))) {
          if (await this.remind(request)) reminded += 1;
        }
      } catch (error: unknown) {
        // One bad request does not stop the sweep.
        this.deps.onError(error, request.id);
        failed += 1;
      }
    }
    return { reminded, expired, failed };
  }

  /**
   * What ends before the reminder lead, through the store's index (cost grows with what is due, not history), `limit`
   * of them, less the ended ones that wait for their access (the watcher's). Those come first (they ended earliest)
   * and would fill every read: a full read with fewer to do than `limit` is followed by one twice as large.
   */
  private async dueNow(now: number, lead: number): Promise<AccessRequest[]> {
    const before = new Date(now + Math.max(0, lead)).toISOString();
    const limit = Math.max(1, this.deps.limit ?? 500);
    for (let read = limit; ; read *= 2) {
      const due = await this.deps.requests.listDue(['active'], before, read);
      const toDo = due.filter((request) => !(request.removalWait !== undefined && Date.parse(request.expiresAt ?? '') <= now));
      if (due.length < read || toDo.length >= limit) return toDo.slice(0, limit);
    }
  }

  /** The relationship watcher found the access to the customer back: the waiting removal is made now (under its claim). */
  async resumeWaiting(id: RequestId): Promise<Removal | 'done_elsewhere' | 'not_ran'> {
    const run = await underClaim(this.deps.jobs, id, () => this.expireClaimed(id, true), this.deps.claimTtlInMs);
    return run.ran ? run.value : 'not_ran';
  }

  /**
   * Under the request's claim: read again, so a request another instance expired since this sweep listed it is left
   * alone (no second DELETE), and one found waiting for its access meanwhile is left to the watcher.
   */
  private async expireClaimed(id: RequestId, released = false): Promise<Removal | 'done_elsewhere'> {
    const request = await this.deps.requests.get(id);
    if (request?.state !== 'active') return 'done_elsewhere';
    if (request.removalWait !== undefined && !released) return 'waiting';
    return this.expire(request);
  }

  /** DELETE first, then the state: a crash in between deletes again (ARM answers 204) and then records. */
  private async expire(request: AccessRequest): Promise<Removal> {
    // "Already had it": the assignment is not ours (the person had the role before), so it is left in place.
    // Extended: a later request keeps the same assignment for longer (see extensionOf), so this end removes nothing.
    const extendedBy = await this.extensionOf(request);
    // "Already had it" from an earlier grant of the bot's that ended keeping it for this one: now this one's to remove.
    const inherited = request.outcome?.kind === 'already_existed' && !extendedBy ? await this.keptFor(request) : undefined;
    const ours = (request.outcome?.kind !== 'already_existed' || inherited !== undefined) && !extendedBy;
    let removed = false;
    if (ours) {
      try {
        removed = await this.deps.rbac.deleteRoleAssignment(request.customer.tenantId, request.scope, inherited ?? request.assignmentName);
      } catch (error: unknown) {
        const gap = refusalOf(error) ? await lostAccessGap(this.deps.readiness, request) : undefined;
        if (!gap) {
          this.deps.onError(error, request.id);
          return 'failed';
        }
        const detail = { expiresAt: request.expiresAt, assignmentName: request.assignmentName, scope: request.scope, reason: error instanceof Error ? error.message : String(error) };
        await waitForAccess(this.deps, request, gap, { event: 'expiry_waiting', detail });
        return 'waiting';
      }
    }
    const next = transition(request, { type: 'expire' }, SYSTEM, this.deps.clock.now());
    if (!next.ok) return 'failed';
    // An extended request ends quietly: the extension's card and messages are the live ones.
    const recorded = await this.deps.changes.record({ request: next.request, outbox: extendedBy ? [] : [outboxMessage('request_changed', next.request)], audit: {
      requestId: request.id,
      event: 'expired',
      actor: 'system',
      at: next.request.updatedAt,
      detail: {
        expiresAt: request.expiresAt,
        assignmentName: request.assignmentName,
        scope: request.scope,
        // removed false with ours true: it was already gone (ARM 204).
        removed,
        ...(extendedBy ? { extendedBy: extendedBy.id } : {}),
        ...(inherited ? { inheritedAssignmentName: inherited } : {}),
        ...(ours || extendedBy ? {} : { keptPreExistingAssignment: request.outcome?.kind === 'already_existed' ? (request.outcome.assignmentId ?? true) : true }),
      },
    } });
    return recorded ? 'expired' : 'failed';
  }

  /**
   * A later active request that keeps the same assignment for longer, or for good: an extension (same name), or a grant
   * of the same role to the same user on the same scope (ARM allows one such assignment: that grant was answered
   * "already there" while this one's stood, and was approved to keep it).
   */
  private async extensionOf(request: AccessRequest): Promise<AccessRequest | undefined> {
    const end = Date.parse(request.expiresAt ?? '');
    const sameSubscription = await this.deps.requests.listRequests({ customerTenantId: request.customer.tenantId, subscriptionId: request.subscription.id, states: ['active'] });
    return sameSubscription.find((other) => other.id !== request.id && (other.assignmentName === request.assignmentName || (sameGrant(other, request) && foundOn(other, request))) && (other.expiresAt === undefined || Date.parse(other.expiresAt) > end));
  }

  /**
   * The name of the assignment an "already had it" grant found (ARM names it in its 409) when that assignment is an
   * earlier, now expired grant's of the bot's for the same user, role and scope: it was kept at that end for this one.
   */
  private async keptFor(request: AccessRequest): Promise<string | undefined> {
    if (request.outcome?.kind !== 'already_existed' || request.outcome.assignmentId === undefined) return undefined;
    const ended = await this.deps.requests.listRequests({ customerTenantId: request.customer.tenantId, subscriptionId: request.subscription.id, states: ['expired'], limit: KEPT_FOR_LOOKBACK });
    return ended.find((other) => other.outcome?.kind === 'created' && sameGrant(other, request) && foundOn(request, other))?.assignmentName;
  }

  /** Recorded before it is sent, so that two bot instances never both remind (at most once). */
  private async remind(request: AccessRequest): Promise<boolean> {
    const next = transition(request, { type: 'remind' }, SYSTEM, this.deps.clock.now());
    if (!next.ok) return false;
    return this.deps.changes.record({
      request: next.request,
      audit: { requestId: request.id, event: 'expiry_reminded', actor: 'system', at: next.request.updatedAt, detail: { expiresAt: request.expiresAt } },
      outbox: [outboxMessage('expiry_reminder', next.request)],
    });
  }
}

/** How many of a subscription's ended requests (newest first) are searched for the grant a later one was kept on. */
const KEPT_FOR_LOOKBACK = 200;

const bareName = (name: string): string => name.replace(/-/g, '').toLowerCase();

/**
 * `later` was answered "already had it" on `earlier`'s assignment, as ARM's 409 named it. Without that name the two
 * cannot be tied: `earlier`'s end then removes the role, as if `later` were not there (never a role kept for good).
 */
function foundOn(later: AccessRequest, earlier: AccessRequest): boolean {
  const found = later.outcome?.kind === 'already_existed' ? later.outcome.assignmentId : undefined;
  return found !== undefined && bareName(found.slice(found.lastIndexOf('/') + 1)) === bareName(earlier.assignmentName);
}
