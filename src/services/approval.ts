// Approval use cases: confirm, cancel, approve, reject — each one transition, stored by compare-and-set.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition, type Actor, type RefusalReason, type RequestEvent } from '../domain/request-state';
import type { RequestStore } from '../store/request-store';
import type { Clock } from './clock';
import type { Notifier } from './notifier';

export type DecisionResult =
  | { readonly ok: true; readonly request: AccessRequest }
  | { readonly ok: false; readonly reason: RefusalReason | 'not_found'; readonly request?: AccessRequest };

export interface ApprovalDependencies {
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  /** Entra object ids of the partner users who may approve. */
  readonly approvers: ReadonlySet<string>;
  /** Called once a request is approved; provisioning runs on its own, never inside the click. */
  readonly onApproved: (request: AccessRequest) => void;
}

const MAX_ATTEMPTS = 3;

export class ApprovalService {
  constructor(private readonly deps: ApprovalDependencies) {}

  isApprover(userId: string): boolean {
    return this.deps.approvers.has(userId);
  }

  /** The stored request, for showing it; no rights are implied. */
  find(id: RequestId): AccessRequest | undefined {
    return this.deps.store.get(id);
  }

  confirm(id: RequestId, user: PartnerUser): Promise<DecisionResult> {
    return this.apply(id, user, { type: 'confirm' });
  }

  cancel(id: RequestId, user: PartnerUser): Promise<DecisionResult> {
    return this.apply(id, user, { type: 'cancel' });
  }

  approve(id: RequestId, user: PartnerUser, comment?: string): Promise<DecisionResult> {
    return this.apply(id, user, { type: 'approve', ...(comment ? { comment } : {}) });
  }

  reject(id: RequestId, user: PartnerUser, comment?: string): Promise<DecisionResult> {
    return this.apply(id, user, { type: 'reject', ...(comment ? { comment } : {}) });
  }

  /**
   * Reads, asks the state machine, and stores by compare-and-set. When another change won the race, the
   * transition is asked again on the fresh request (so a second click sees "already decided", never a double).
   */
  private async apply(id: RequestId, user: PartnerUser, event: RequestEvent): Promise<DecisionResult> {
    const actor: Actor = { kind: 'user', user, isApprover: this.isApprover(user.id) };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = this.deps.store.get(id);
      if (!current) return { ok: false, reason: 'not_found' };
      const now = this.deps.clock.now();
      const result = transition(current, event, actor, now);
      if (!result.ok) {
        this.deps.store.appendAudit({ requestId: id, event: `refused_${event.type}`, actor: user.id, at: now.toISOString(), detail: { reason: result.reason, state: current.state } });
        return { ok: false, reason: result.reason, request: current };
      }
      if (!this.deps.store.update(result.request)) continue;
      const next = result.request;
      this.deps.store.appendAudit({
        requestId: id,
        event: auditEventOf(event.type, next),
        actor: user.id,
        at: now.toISOString(),
        ...('comment' in event && event.comment ? { detail: { comment: event.comment } } : {}),
      });
      if (event.type === 'confirm') await this.deps.notifier.approvalRequested(next);
      await this.deps.notifier.requestChanged(next);
      if (next.state === 'approved') this.deps.onApproved(next);
      return { ok: true, request: next };
    }
    const latest = this.deps.store.get(id);
    return { ok: false, reason: 'not_allowed_in_state', ...(latest ? { request: latest } : {}) };
  }
}

function auditEventOf(type: RequestEvent['type'], request: AccessRequest): string {
  switch (type) {
    case 'confirm':
      return 'confirmed';
    case 'cancel':
      return 'cancelled';
    case 'approve':
      return request.state === 'approved' ? 'approved' : 'approval_recorded';
    case 'reject':
      return 'rejected';
    default:
      return type;
  }
}
