// The access request: what a sales agent asked for, resolved to Azure ids, and where it stands.
import type { PrincipalId, RequestId, SubscriptionId, TenantId } from './ids';
import type { ReadinessGap } from './readiness-gap';

export type Locale = 'en' | 'fr';

export const REQUEST_STATES = [
  'draft',
  'awaiting_relationship',
  'pending_approval',
  'approved',
  'provisioning',
  'active',
  'expired',
  'revoked',
  'cancelled',
  'rejected',
  'failed',
  'timed_out',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const FINAL_STATES: ReadonlySet<RequestState> = new Set(['expired', 'revoked', 'cancelled', 'rejected', 'failed', 'timed_out']);

export interface PartnerUser {
  /** Entra object id in the partner tenant. */
  readonly id: PrincipalId;
  readonly name: string;
}

export interface Vote {
  readonly by: PartnerUser;
  readonly at: string;
  readonly comment?: string;
}

/**
 * The bot may not act for the customer yet: the request waits for what is missing (the customer accepting a
 * relationship — a reseller link or a GDAP relationship the bot created —, a GDAP role or group, Azure rights, the
 * app's consent, the partner's sign-in), then goes on to approval by itself.
 */
export interface RelationshipWait {
  readonly mode: 'reseller' | 'gdap';
  /** What the request waits for, as last found; absent: the customer's relationship. */
  readonly missing?: ReadinessGap;
  /** What the customer's global administrator opens: Partner Center's link as returned, or the admin-center GDAP link. */
  readonly url?: string;
  /** GDAP: the delegatedAdminRelationship the bot created and locked for approval. */
  readonly relationshipId?: string;
  /** When the request started waiting (the reminder and the expiry count from here). */
  readonly since?: string;
  readonly remindedAt?: string;
  readonly acceptedAt?: string;
  /**
   * The request had been approved when Azure refused it because the bot's access to the customer was gone (at this
   * time): what the requester and the approvers read says so, and it goes back to the approvers once access is back.
   */
  readonly lostAt?: string;
}

/** What a waiting removal waits for, and since when. */
export interface RemovalWait {
  readonly since: string;
  readonly missing: ReadinessGap;
}

export interface AccessRequest {
  readonly id: RequestId;
  /** Bumped by every stored change; the store compares and sets on it. */
  readonly version: number;
  readonly state: RequestState;
  /** grant: create the role assignment; revoke: delete an existing one (named by assignmentName at scope). */
  readonly action: 'grant' | 'revoke';
  readonly requester: PartnerUser;
  readonly locale: Locale;
  readonly customer: { readonly tenantId: TenantId; readonly name: string };
  readonly subscription: { readonly id: SubscriptionId; readonly name: string };
  /** ARM scope: /subscriptions/{id} (or a resource group below it). */
  readonly scope: string;
  /**
   * The user as the requester named them, while the customer's directory cannot be read yet (no relationship, no
   * directory role, no consent): looked up when the request resumes, before anyone is asked to approve. `principal`
   * then holds only that name.
   */
  readonly principalQuery?: string;
  readonly principal: {
    readonly id: PrincipalId;
    readonly displayName: string;
    readonly userPrincipalName: string;
    readonly principalType: 'User' | 'Group' | 'ServicePrincipal';
  };
  /**
   * managesAccess: the role's definition lets its holder hand out access (domain/access-management.ts), so it is held
   * to the privileged roles' policy and the card warns, whatever its name. Absent on requests stored before it existed.
   */
  readonly role: { readonly definitionId: string; readonly name: string; readonly managesAccess?: true };
  readonly justification?: string;
  readonly requiredApprovals: number;
  readonly approvals: readonly Vote[];
  readonly rejection?: Vote;
  readonly cancelledBy?: PartnerUser;
  /** When it started waiting for approval (the approval window runs from here). */
  readonly pendingSince?: string;
  /** The ARM role assignment name: UUID v5 of the request id, so a retried PUT is idempotent. */
  readonly assignmentName: string;
  readonly outcome?:
    | { readonly kind: 'created'; readonly assignmentId: string }
    | { readonly kind: 'already_existed'; readonly assignmentId?: string }
    | { readonly kind: 'failed'; readonly code: string; readonly reason: string }
    /** Revoke: the assignment was deleted, or was already gone when the bot came to delete it. */
    | { readonly kind: 'removed' }
    | { readonly kind: 'already_gone' };
  /** An extension: the earlier request whose assignment (same name) this one keeps for longer. */
  readonly extendsRequestId?: string;
  /** Time-bound access: when the bot removes the assignment (ISO 8601). Absent: the role stays until removed. */
  readonly expiresAt?: string;
  /** The requester's time zone (IANA, from Teams) when they asked: the end was read, and is shown, in it. */
  readonly timeZone?: string;
  /** When the "ends soon" reminder went out (sent once). */
  readonly reminderSentAt?: string;
  /** Set at intake when the customer has no delegated access: Confirm then leads to `awaiting_relationship`. */
  readonly relationship?: RelationshipWait;
  /**
   * A removal (an approved revoke in `provisioning`, or time-bound access past its end, still `active`) that Azure
   * refused because the bot's access to the customer is gone: it waits for that access, the role still in place, and
   * is made once readiness finds the access back (the relationship watcher). Never dropped, never re-approved.
   */
  readonly removalWait?: RemovalWait;
  readonly createdAt: string;
  readonly updatedAt: string;
}
