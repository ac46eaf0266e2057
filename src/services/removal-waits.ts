// Changes Azure refused because the bot's access to the customer is gone: how that is found (readiness, asked afresh),
// and removals that wait for the access to come back, recorded and told once, then taken up by the relationship watcher.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { WAITABLE_GAPS, type ReadinessGap } from '../domain/readiness-gap';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { outboxMessage } from './outbox-sender';
import type { Readiness, ReadinessOptions, ReadinessTarget } from './readiness';

/** What provisioning, revocation and expiry ask after a refusal (ReadinessService). */
export interface ReadinessCheck {
  check(target: ReadinessTarget, options?: ReadinessOptions): Promise<Readiness>;
}

/**
 * After Azure refused `request`: what readiness finds missing now, when it is something to wait for (as a request
 * waits at intake); undefined when the bot may still act there (Azure refused this change itself: a role its ABAC
 * condition does not allow, a deny assignment), when readiness could not say, or without readiness.
 */
export async function lostAccessGap(readiness: ReadinessCheck | undefined, request: AccessRequest): Promise<ReadinessGap | undefined> {
  try {
    const found = await readiness?.check({ tenantId: request.customer.tenantId, subscription: { id: request.subscription.id } }, { fresh: true });
    return found && !found.ready && WAITABLE_GAPS.has(found.gap.kind) ? found.gap : undefined;
  } catch {
    return undefined;
  }
}

export interface RemovalWaitDependencies {
  readonly changes: ChangeLog;
  readonly clock: Clock;
  /** The removal waits for access to its customer: the approvers must hear it (ReadinessAlerts.accessLost, lost 'removal'). */
  readonly onAccessLost?: (request: AccessRequest, gap: ReadinessGap) => void;
}

const SYSTEM = { kind: 'system' } as const;

/**
 * The removal waits for `gap`: recorded on the request (its state unchanged), told to the requester and the approvers;
 * nothing when it already waited for the same thing (told once). Returns whether it was recorded.
 */
export async function waitForAccess(deps: RemovalWaitDependencies, request: AccessRequest, gap: ReadinessGap, audit: { readonly event: string; readonly detail: Readonly<Record<string, unknown>> }): Promise<boolean> {
  const next = transition(request, { type: 'removal_waiting', missing: gap }, SYSTEM, deps.clock.now());
  if (!next.ok) return false;
  const waiting = next.request;
  const recorded = await deps.changes.record({
    request: waiting,
    audit: { requestId: request.id, event: audit.event, actor: 'system', at: waiting.updatedAt, detail: { ...audit.detail, missing: gap } },
    outbox: [outboxMessage('relationship_waiting', waiting, { gap })],
  });
  if (recorded) deps.onAccessLost?.(waiting, gap);
  return recorded;
}

/** Where the relationship watcher finds the removals waiting for access, and how it takes one up once access is back. */
export interface WaitingRemovalsPort {
  waiting(): Promise<readonly AccessRequest[]>;
  resume(request: AccessRequest): Promise<unknown>;
}

/** A service that makes a waiting removal when told the access is back (RevocationService, ExpiryService). */
export interface ResumesWaiting {
  resumeWaiting(id: RequestId): Promise<unknown>;
}

export interface WaitingRemovalsDependencies {
  readonly requests: RequestRepository;
  readonly clock: Clock;
  /** Functions, so that main.ts may build the watcher before the services. */
  readonly revocation: () => ResumesWaiting;
  readonly expiry: () => ResumesWaiting;
  /** Ended time-bound grants read at first, oldest end first (more when there are more): 500 by default. */
  readonly limit?: number;
}

export class WaitingRemovals implements WaitingRemovalsPort {
  constructor(private readonly deps: WaitingRemovalsDependencies) {}

  /** Approved revokes and ended time-bound grants that wait for their access (few: read through the state and due indexes). */
  async waiting(): Promise<readonly AccessRequest[]> {
    const { requests } = this.deps;
    const revokes = (await requests.listByState(['provisioning'])).filter((r) => r.action === 'revoke' && r.removalWait !== undefined);
    return [...revokes, ...(await this.endedWaiting())];
  }

  /**
   * Every ended grant that waits. The due index holds no "waiting" mark and takes no cursor, so when a read comes back
   * full the next one asks for twice as many: a waiting removal behind more ended grants than `limit` (an expiry
   * backlog) is still found. The reads stop at the first that is not full: what they cost grows with what is overdue.
   */
  private async endedWaiting(): Promise<AccessRequest[]> {
    const now = this.deps.clock.now().toISOString();
    for (let limit = Math.max(1, this.deps.limit ?? 500); ; limit *= 2) {
      const ended = await this.deps.requests.listDue(['active'], now, limit);
      if (ended.length < limit) return ended.filter((r) => r.removalWait !== undefined);
    }
  }

  resume(request: AccessRequest): Promise<unknown> {
    return (request.action === 'revoke' ? this.deps.revocation() : this.deps.expiry()).resumeWaiting(request.id);
  }
}
