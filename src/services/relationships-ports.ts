// What the relationship use cases need from outside: Graph GDAP, and the people to tell (the Teams layer implements it).
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { Delivery } from './notifier';

export interface NewGdapRelationship {
  readonly displayName: string;
  /** ISO 8601 duration, e.g. P730D (Graph allows up to two years). */
  readonly duration: string;
  readonly customer: { readonly tenantId: string; readonly displayName: string };
  /** Microsoft Entra built-in role template ids (unifiedRoles). */
  readonly roleDefinitionIds: readonly string[];
  /** e.g. P180D; omitted: Graph's default (PT0S, no automatic extension). */
  readonly autoExtendDuration?: string;
}

export interface GdapRelationship {
  readonly id: string;
  /** created, approvalPending, activating, active, expired, terminated, … */
  readonly status: string;
  readonly displayName?: string;
  /** The customer's tenant id, when Graph said. */
  readonly customerTenantId?: string;
  /** Microsoft Entra role template ids the relationship holds (accessDetails.unifiedRoles), lower case. */
  readonly roleDefinitionIds: readonly string[];
}

/** A delegatedAdminAccessAssignment: which partner security group gets which of the relationship's roles. */
export interface GdapAccessAssignment {
  readonly id: string;
  /** pending, active, deleting, deleted, error: only an active one gives the group's members its roles. */
  readonly status: string;
  /** The partner security group (accessContainer.accessContainerId). */
  readonly groupId: string;
  /** Microsoft Entra role template ids, lower case. */
  readonly roleDefinitionIds: readonly string[];
}

export interface GdapGateway {
  createRelationship(relationship: NewGdapRelationship): Promise<GdapRelationship>;
  /** POST …/{id}/requests {"action":"lockForApproval"}: the relationship can then be approved by the customer. */
  lockForApproval(relationshipId: string): Promise<void>;
  getRelationship(relationshipId: string): Promise<GdapRelationship | undefined>;
  /** The partner's relationships with one customer (`$filter=customer/tenantId eq '…'`), every page, any status. */
  listRelationships(customerTenantId: string): Promise<GdapRelationship[]>;
  /** The relationship's access assignments, any status; empty for an unknown relationship. */
  listAccessAssignments(relationshipId: string): Promise<GdapAccessAssignment[]>;
  /** POST …/{id}/accessAssignments: the group gets `roleDefinitionIds` (a subset of the relationship's) once it turns active. */
  createAccessAssignment(relationshipId: string, groupId: string, roleDefinitionIds: readonly string[]): Promise<GdapAccessAssignment>;
  getAccessAssignment(relationshipId: string, assignmentId: string): Promise<GdapAccessAssignment | undefined>;
  /**
   * Those of `groupIds` the signed-in partner account (the service account of the Secure Application Model) is a
   * member of, directly or nested; undefined when there is no signed-in account to ask about (app-only tokens).
   */
  accountGroups(groupIds: readonly string[]): Promise<string[] | undefined>;
  /** A partner security group's display name; undefined when it cannot be read. */
  groupName(groupId: string): Promise<string | undefined>;
}

/** What the customer's global administrator is asked to accept, and where. */
export interface RelationshipInvitation {
  readonly customer: { readonly tenantId: string; readonly name: string };
  readonly mode: 'reseller' | 'gdap';
  /** Partner Center's relationship-request URL exactly as returned, or the admin-center link of the GDAP relationship. */
  readonly url: string;
  /** GDAP: what the relationship grants, for the invitation text. */
  readonly gdap?: { readonly relationshipId: string; readonly roleDefinitionIds: readonly string[]; readonly duration: string };
  /** The access request waiting for it, if any (its user, role and subscription go into the invitation). */
  readonly request?: AccessRequest;
}

export interface RelationshipNotifier {
  /** The invitation card to the requester: link, ready-to-send e-mail, what happens next. */
  invitationReady(request: AccessRequest, invitation: RelationshipInvitation, delivery: Delivery): Promise<void>;
  /** The relationship could not be prepared (GDAP creation failed): the requester is told; the request keeps waiting. */
  invitationFailed(request: AccessRequest, delivery: Delivery): Promise<void>;
  /** Still not accepted after a while: the requester is reminded once, with the invitation again. */
  reminder(request: AccessRequest, invitation: RelationshipInvitation, delivery: Delivery): Promise<void>;
  /** The customer accepted: the requester is told the request went on to approval. */
  accepted(request: AccessRequest, delivery: Delivery): Promise<void>;
  /** The request waits for something else than the customer's acceptance (a role, a group, consent…): the requester is told what. */
  waiting(request: AccessRequest, gap: ReadinessGap, delivery: Delivery): Promise<void>;
}

/** Where a gap was found, for the approvers' message. */
export interface GapContext {
  readonly subscription?: string;
  readonly requester?: PartnerUser;
  /**
   * The gap stopped a change the approvers had approved, because the bot's access to the customer is gone: a grant
   * (it comes back to them for approval once access is back) or a removal (made by itself once access is back).
   */
  readonly lost?: 'grant' | 'removal';
}

/** The people who can close a gap the customer cannot: the approvers (the partner's admin agents among them). */
export interface ReadinessNotifier {
  /** What `customer` lacks and what to do, to every approver, in their language. */
  gapToApprovers(customer: { readonly tenantId: string; readonly name: string }, gap: ReadinessGap, context: GapContext): Promise<void>;
  /** The partner service account must sign in again (`npm run consent`): to every approver, in their language. */
  signInRequired(): Promise<void>;
  /** The sign-in works again: waiting requests go on. */
  signInRestored(): Promise<void>;
}
