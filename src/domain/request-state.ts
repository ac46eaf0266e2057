// The request state machine: one pure function decides every change of state, and who may cause it.
import type { AccessRequest, PartnerUser, RequestState } from './access-request';
import type { ReadinessGap } from './readiness-gap';

export type RequestEvent =
  /** The requester confirms; the policy in force now says how many approvals it needs. */
  | { readonly type: 'confirm'; readonly requiredApprovals?: number; readonly needsRelationship?: boolean }
  /** The bot sent the customer its relationship request (GDAP: the relationship it created); the request keeps waiting. */
  | { readonly type: 'relationship_sent'; readonly url: string; readonly relationshipId?: string }
  /**
   * The bot may act for the customer now: the request goes on to approval, and the approval window starts now. A
   * request whose user could not be looked up before carries the user found now (it may not go on without one).
   */
  | { readonly type: 'relationship_accepted'; readonly principal?: AccessRequest['principal'] }
  /** Still waiting, for something else now (e.g. the relationship is there, a GDAP role is missing). */
  | { readonly type: 'waiting_for'; readonly missing: ReadinessGap }
  /** Ready at last, but the user named at the start is not (or not only one) in the customer's directory: nothing is asked or granted. */
  | { readonly type: 'principal_unresolved'; readonly reason: string }
  /** The customer was slow to accept: the requester was reminded (once). */
  | { readonly type: 'relationship_reminded' }
  | { readonly type: 'cancel' }
  | { readonly type: 'approve'; readonly comment?: string }
  | { readonly type: 'reject'; readonly comment?: string }
  | { readonly type: 'start_provisioning' }
  | { readonly type: 'provisioned'; readonly outcome: NonNullable<AccessRequest['outcome']> }
  /**
   * Azure refused the grant and the bot may no longer act for the customer (GDAP relationship ended, access assignment
   * removed): the request waits for that again, as at intake, and goes back to the approvers once it is restored (they
   * approved a grant through access that is gone; the votes stay in the audit log).
   */
  | { readonly type: 'access_lost'; readonly missing: ReadinessGap }
  /**
   * Azure refused a removal (an approved revoke, or time-bound access at its end) and the bot's access to the customer
   * is gone: the removal waits for it (recorded once per thing missing), the state unchanged, and is made once the
   * access is back. A removal is never dropped and needs no new approval.
   */
  | { readonly type: 'removal_waiting'; readonly missing: ReadinessGap }
  | { readonly type: 'time_out' }
  /** Time-bound access: the "ends soon" reminder was sent (the state stays `active`). */
  | { readonly type: 'remind' }
  /** Time-bound access: the assignment was removed at its end. */
  | { readonly type: 'expire' };

/** Who acts: a partner user (with what the server knows of them) or the bot itself. */
export type Actor =
  | { readonly kind: 'user'; readonly user: PartnerUser; readonly isApprover: boolean }
  | { readonly kind: 'system' };

export type RefusalReason =
  | 'not_requester'
  | 'not_approver'
  | 'self_approval'
  | 'already_voted'
  | 'not_allowed_in_state'
  | 'system_only'
  | 'forbidden_by_policy'
  | 'justification_required';

export type TransitionResult =
  | { readonly ok: true; readonly request: AccessRequest }
  | { readonly ok: false; readonly reason: RefusalReason; readonly state: RequestState };

const refuse = (request: AccessRequest, reason: RefusalReason): TransitionResult => ({ ok: false, reason, state: request.state });

/** Applies `event` by `actor` at `now`; returns the next request (version bumped) or why it is refused. */
export function transition(request: AccessRequest, event: RequestEvent, actor: Actor, now: Date): TransitionResult {
  const at = now.toISOString();
  const next = (changes: Partial<AccessRequest>): TransitionResult => ({
    ok: true,
    request: { ...request, ...changes, version: request.version + 1, updatedAt: at },
  });
  const isRequester = actor.kind === 'user' && actor.user.id === request.requester.id;

  switch (event.type) {
    case 'confirm':
      if (actor.kind !== 'user' || !isRequester) return refuse(request, 'not_requester');
      if (request.state !== 'draft') return refuse(request, 'not_allowed_in_state');
      // No delegated access yet: the request waits for the customer's acceptance before anyone is asked to approve.
      if (event.needsRelationship ?? (request.relationship !== undefined && request.relationship.acceptedAt === undefined)) {
        return next({ state: 'awaiting_relationship', relationship: { mode: 'reseller', ...request.relationship, since: at }, requiredApprovals: Math.max(1, event.requiredApprovals ?? request.requiredApprovals) });
      }
      return next({ state: 'pending_approval', pendingSince: at, requiredApprovals: Math.max(1, event.requiredApprovals ?? request.requiredApprovals) });

    case 'cancel':
      if (actor.kind !== 'user' || !isRequester) return refuse(request, 'not_requester');
      if (!['draft', 'awaiting_relationship', 'pending_approval'].includes(request.state)) return refuse(request, 'not_allowed_in_state');
      return next({ state: 'cancelled', cancelledBy: actor.user });

    case 'approve':
    case 'reject': {
      if (actor.kind !== 'user') return refuse(request, 'not_approver');
      if (request.state !== 'pending_approval') return refuse(request, 'not_allowed_in_state');
      if (!actor.isApprover) return refuse(request, 'not_approver');
      if (isRequester) return refuse(request, 'self_approval');
      if (request.approvals.some((vote) => vote.by.id === actor.user.id)) return refuse(request, 'already_voted');
      const vote = { by: actor.user, at, ...(event.comment ? { comment: event.comment } : {}) };
      if (event.type === 'reject') return next({ state: 'rejected', rejection: vote });
      const approvals = [...request.approvals, vote];
      return next({ approvals, state: approvals.length >= request.requiredApprovals ? 'approved' : 'pending_approval' });
    }

    case 'start_provisioning':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'approved' && request.state !== 'provisioning') return refuse(request, 'not_allowed_in_state');
      return next({ state: 'provisioning' });

    case 'provisioned': {
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'provisioning') return refuse(request, 'not_allowed_in_state');
      const { removalWait: _done, ...rest } = request;
      const state = event.outcome.kind === 'failed' ? 'failed' : event.outcome.kind === 'removed' || event.outcome.kind === 'already_gone' ? 'revoked' : 'active';
      return { ok: true, request: { ...rest, state, outcome: event.outcome, version: request.version + 1, updatedAt: at } };
    }

    case 'removal_waiting': {
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      const removing = (request.state === 'provisioning' && request.action === 'revoke') || (request.state === 'active' && request.expiresAt !== undefined);
      if (!removing) return refuse(request, 'not_allowed_in_state');
      // The same gap again (a resume that found it still missing): nothing new to record or tell.
      if (request.removalWait && JSON.stringify(request.removalWait.missing) === JSON.stringify(event.missing)) return refuse(request, 'not_allowed_in_state');
      return next({ removalWait: { since: request.removalWait?.since ?? at, missing: event.missing } });
    }

    case 'access_lost': {
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'provisioning' || request.action !== 'grant') return refuse(request, 'not_allowed_in_state');
      // A fresh wait: no earlier invitation, acceptance or reminder applies to the access that is gone.
      const { pendingSince: _pending, ...rest } = request;
      const relationship = { mode: request.relationship?.mode ?? 'reseller', since: at, missing: event.missing, lostAt: at } as const;
      return { ok: true, request: { ...rest, state: 'awaiting_relationship', approvals: [], relationship, version: request.version + 1, updatedAt: at } };
    }

    case 'time_out':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'pending_approval' && request.state !== 'draft' && request.state !== 'awaiting_relationship') return refuse(request, 'not_allowed_in_state');
      return next({ state: 'timed_out' });

    case 'relationship_sent':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'awaiting_relationship') return refuse(request, 'not_allowed_in_state');
      // The same invitation twice (the click's job and the watcher raced, or two instances): sent once, told once.
      if (request.relationship?.url === event.url && request.relationship.relationshipId === event.relationshipId) return refuse(request, 'not_allowed_in_state');
      return next({ relationship: { mode: 'reseller', ...request.relationship, url: event.url, ...(event.relationshipId ? { mode: 'gdap', relationshipId: event.relationshipId } : {}) } });

    case 'relationship_accepted': {
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'awaiting_relationship') return refuse(request, 'not_allowed_in_state');
      // Nobody approves a request for a user nobody has looked up.
      if (request.principalQuery !== undefined && event.principal === undefined) return refuse(request, 'not_allowed_in_state');
      const { principalQuery: _looked, ...rest } = request;
      const resolved = event.principal ? { principal: event.principal } : {};
      return { ok: true, request: { ...rest, ...resolved, state: 'pending_approval', pendingSince: at, relationship: { mode: 'reseller', ...request.relationship, acceptedAt: at }, version: request.version + 1, updatedAt: at } };
    }

    case 'waiting_for':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'awaiting_relationship') return refuse(request, 'not_allowed_in_state');
      return next({ relationship: { mode: 'reseller', ...request.relationship, missing: event.missing } });

    case 'principal_unresolved':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'awaiting_relationship' || request.principalQuery === undefined) return refuse(request, 'not_allowed_in_state');
      return next({ state: 'failed', outcome: { kind: 'failed', code: 'PrincipalNotResolved', reason: event.reason } });

    case 'relationship_reminded':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'awaiting_relationship' || request.relationship?.remindedAt !== undefined) return refuse(request, 'not_allowed_in_state');
      return next({ relationship: { mode: 'reseller', ...request.relationship, remindedAt: at } });

    case 'remind':
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'active' || request.expiresAt === undefined || request.reminderSentAt !== undefined) return refuse(request, 'not_allowed_in_state');
      return next({ reminderSentAt: at });

    case 'expire': {
      if (actor.kind !== 'system') return refuse(request, 'system_only');
      if (request.state !== 'active' || request.expiresAt === undefined) return refuse(request, 'not_allowed_in_state');
      const { removalWait: _done, ...rest } = request;
      return { ok: true, request: { ...rest, state: 'expired', version: request.version + 1, updatedAt: at } };
    }
  }
}
