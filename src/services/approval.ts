// Approval use cases: confirm, cancel, approve, reject, time out — each one transition, stored by compare-and-set.
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition, type Actor, type RefusalReason, type RequestEvent } from '../domain/request-state';
import type { ChangeLog, OutboxMessage, RequestRepository } from '../store/ports';
import type { AuditEntry } from '../store/request-store';
import { StoreUnavailableError } from '../store/ports';
import type { AccessControl } from './access-control';
import type { Clock } from './clock';
import { nextTurn } from './job-leases';
import { outboxMessage } from './outbox-sender';

export type DecisionResult =
  | { readonly ok: true; readonly request: AccessRequest }
  | { readonly ok: false; readonly reason: RefusalReason | ApprovalRefusal | 'not_found' | 'store_unavailable'; readonly request?: AccessRequest };

/**
 * Refusals decided here, not by the state machine: the grant's user is the approver, or that cannot be told now; the
 * clicker is not known to be an approver now (an approver group could not be read in time, see AccessControl).
 */
export type ApprovalRefusal = 'own_account' | 'own_account_unknown' | 'approvers_unknown';

export interface ApprovalDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly access: AccessControl;
  /** How long a confirmed request may wait for a decision. */
  readonly approvalTtlInMs: number;
  /** Called once a request is approved; provisioning runs on its own, never inside the click. */
  readonly onApproved: (request: AccessRequest) => void;
  /** Called once a confirmed request waits for the customer's relationship: the invitation goes out on its own. */
  readonly onAwaitingRelationship?: (request: AccessRequest) => void;
  /** The store or the audit log could not be written: the decision was not taken (logged by the caller). */
  readonly onStoreError?: (error: unknown, requestId: RequestId) => void;
}

const MAX_ATTEMPTS = 5;

export class ApprovalService {
  constructor(private readonly deps: ApprovalDependencies) {}

  isApprover(userId: string): Promise<boolean> {
    return this.deps.access.isApprover(userId);
  }

  /** The stored request, for showing it; no rights are implied. */
  find(id: RequestId): Promise<AccessRequest | undefined> {
    return this.deps.requests.get(id);
  }

  /** Policy is checked again at confirmation: it may have changed since the draft, and it sets the approvals needed. */
  async confirm(id: RequestId, user: PartnerUser): Promise<DecisionResult> {
    const draft = await this.read(id);
    if (draft === 'unavailable') return { ok: false, reason: 'store_unavailable' };
    if (!draft) return { ok: false, reason: 'not_found' };
    if (draft.requester.id === user.id && draft.state === 'draft') {
      // Taking access away is never forbidden and needs no reason (intake-existing.ts); it needs the approvals that
      // granting the role needs. Only granting is checked against the rest of the policy.
      const check = draft.action === 'revoke'
        ? ((await this.deps.access.mayRequest(user.id)) ? { ok: true as const, rule: this.deps.access.rule(draft.role, draft.customer) } : { ok: false as const, code: 'not_a_requester' as const })
        : await this.deps.access.checkRequest(user, draft.role, draft.customer, draft.justification);
      if (!check.ok) {
        const reason = check.code === 'justification_required' ? 'justification_required' : check.code === 'forbidden' ? 'forbidden_by_policy' : 'not_requester';
        await this.refused({ requestId: id, event: 'refused_confirm', actor: user.id, at: this.deps.clock.now().toISOString(), detail: { reason: check.code } });
        return { ok: false, reason, request: draft };
      }
      return this.apply(id, { type: 'confirm', requiredApprovals: check.rule.approvals }, user);
    }
    return this.apply(id, { type: 'confirm' }, user);
  }

  cancel(id: RequestId, user: PartnerUser): Promise<DecisionResult> {
    return this.apply(id, { type: 'cancel' }, user);
  }

  /**
   * A change the bot itself makes (relationship sent, accepted, reminded; timed out): the same compare-and-set and
   * audit. `tell`: the messages this change causes besides the card updates, written with it.
   */
  advance(id: RequestId, event: SystemEvent, tell?: (next: AccessRequest) => readonly OutboxMessage[]): Promise<DecisionResult> {
    return this.apply(id, event, undefined, tell);
  }

  async approve(id: RequestId, user: PartnerUser, comment?: string): Promise<DecisionResult> {
    const current = await this.timeOutIfOverdue(id);
    // Four eyes: nobody approves access for themselves, through their guest account in the customer's directory
    // included. Asked only of a request waiting for approval (a late click still hears who decided).
    if (current?.state === 'pending_approval' && current.requester.id !== user.id) {
      const own = await this.deps.access.isOwnAccount(user, current.principal);
      if (own !== 'no') {
        const reason = own === 'yes' ? 'own_account' : 'own_account_unknown';
        await this.refused({ requestId: id, event: 'refused_approve', actor: user.id, at: this.deps.clock.now().toISOString(), detail: { reason, state: current.state } });
        return { ok: false, reason, request: current };
      }
    }
    return this.apply(id, { type: 'approve', ...(comment ? { comment } : {}) }, user, undefined, current);
  }

  async reject(id: RequestId, user: PartnerUser, comment?: string): Promise<DecisionResult> {
    return this.apply(id, { type: 'reject', ...(comment ? { comment } : {}) }, user, undefined, await this.timeOutIfOverdue(id));
  }

  /**
   * A decision after the approval window is refused even if the sweeper has not run yet: the window is the rule.
   * Returns the request as read, for the decision to start from (one read per click), unless it was just timed out.
   */
  private async timeOutIfOverdue(id: RequestId): Promise<AccessRequest | undefined> {
    const current = await this.deps.requests.get(id);
    if (current?.state !== 'pending_approval' || !this.isOverdue(current, this.deps.clock.now().getTime())) return current;
    await this.apply(id, { type: 'time_out' }, undefined, undefined, current);
    return undefined;
  }

  private isOverdue(request: AccessRequest, now: number): boolean {
    return now - Date.parse(request.pendingSince ?? request.updatedAt) >= this.deps.approvalTtlInMs;
  }

  /** Every request that waited longer than the approval window times out; the requester is told. */
  async expireOverdue(): Promise<AccessRequest[]> {
    const now = this.deps.clock.now().getTime();
    // Only what is due, through the store's index: the cost grows with what timed out, not with history.
    const overdue = (await this.deps.requests.listDue(['pending_approval'], new Date(now - this.deps.approvalTtlInMs).toISOString(), 500))
      .filter((request) => this.isOverdue(request, now));
    const expired: AccessRequest[] = [];
    for (const request of overdue) {
      // Each time-out is its own short stretch: turns waiting on the event loop go between two of them.
      await nextTurn();
      const result = await this.apply(request.id, { type: 'time_out' });
      if (result.ok) expired.push(result.request);
    }
    return expired;
  }

  /**
   * Reads (unless given the request just read), asks the state machine, and stores by compare-and-set. When another
   * change won the race, the transition is asked again on the fresh request (so a second click sees "already decided",
   * never a double).
   */
  private async apply(id: RequestId, event: RequestEvent, user?: PartnerUser, tell?: (next: AccessRequest) => readonly OutboxMessage[], known?: AccessRequest): Promise<DecisionResult> {
    const status = user ? await this.deps.access.approverStatus(user.id) : 'no';
    const actor: Actor = user ? { kind: 'user', user, isApprover: status === 'yes' } : { kind: 'system' };
    const actorId = user?.id ?? 'system';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // `known`: the request the caller just read; if another change got in since, the compare-and-set fails and
      // the next attempt reads afresh.
      const current = attempt === 0 && known ? known : await this.read(id);
      if (current === 'unavailable') return { ok: false, reason: 'store_unavailable' };
      if (!current) return { ok: false, reason: 'not_found' };
      const now = this.deps.clock.now();
      const result = transition(current, event, actor, now);
      if (!result.ok) {
        // A person's refused click is on the record. The bot's own change refused means another instance (or a click)
        // made it first, and that change is on the record: a second entry would tell of a double that never was.
        // Not known to be an approver because a group could not be read: said as such, so the click is tried again.
        const reason = result.reason === 'not_approver' && status === 'unknown' ? 'approvers_unknown' : result.reason;
        if (user) await this.refused({ requestId: id, event: `refused_${event.type}`, actor: actorId, at: now.toISOString(), detail: { reason, state: current.state } });
        return { ok: false, reason, request: current };
      }
      const next = result.request;
      const entry = {
        requestId: id,
        event: auditEventOf(event.type, next),
        actor: actorId,
        at: now.toISOString(),
        detail: {
          customer: next.customer.tenantId,
          subscription: next.subscription.id,
          role: next.role.name,
          principal: next.principal.id,
          ...('comment' in event && event.comment ? { comment: event.comment } : {}),
          ...(event.type === 'waiting_for' ? { missing: event.missing.kind } : {}),
          ...(event.type === 'principal_unresolved' ? { reason: event.reason } : {}),
        },
      };
      // What this change makes the bot say: approvers asked, every card shown brought up to date, and the caller's.
      const outbox = [
        ...((event.type === 'confirm' || event.type === 'relationship_accepted') && next.state === 'pending_approval' ? [outboxMessage('approval_requested', next)] : []),
        outboxMessage('request_changed', next),
        ...(tell ? tell(next) : []),
      ];
      // Fail closed: the change, its audit entry and its messages are written together, or the click changes nothing.
      let stored: boolean;
      try {
        stored = await this.deps.changes.record({ request: next, audit: entry, outbox });
      } catch (error) {
        this.deps.onStoreError?.(error, id);
        return { ok: false, reason: 'store_unavailable', request: current };
      }
      if (!stored) continue;
      if (event.type === 'confirm' && next.state === 'awaiting_relationship') this.deps.onAwaitingRelationship?.(next);
      if (next.state === 'approved') this.deps.onApproved(next);
      return { ok: true, request: next };
    }
    const latest = await this.deps.requests.get(id);
    return { ok: false, reason: 'not_allowed_in_state', ...(latest ? { request: latest } : {}) };
  }

  /** The stored request, or 'unavailable' when the store cannot be read (the click is answered, not thrown). */
  private async read(id: RequestId): Promise<AccessRequest | undefined | 'unavailable'> {
    try {
      return await this.deps.requests.get(id);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.deps.onStoreError?.(error, id);
      return 'unavailable';
    }
  }

  /** A refused click is recorded; if the store cannot take it, the refusal still stands (and is logged). */
  private async refused(audit: AuditEntry): Promise<void> {
    try {
      await this.deps.changes.record({ audit });
    } catch (error) {
      this.deps.onStoreError?.(error, (audit.requestId ?? '') as RequestId);
    }
  }
}

export type SystemEvent = Extract<RequestEvent, { type: 'relationship_sent' | 'relationship_accepted' | 'relationship_reminded' | 'time_out' | 'waiting_for' | 'principal_unresolved' }>;

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
    case 'time_out':
      return 'timed_out';
    case 'principal_unresolved':
      return 'failed';
    default:
      return type;
  }
}
