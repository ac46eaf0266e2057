// What the relationship use cases need from outside: Graph GDAP, and the people to tell (the Teams layer implements it).
import type { AccessRequest } from '../domain/access-request';

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
}

export interface GdapGateway {
  createRelationship(relationship: NewGdapRelationship): Promise<GdapRelationship>;
  /** POST …/{id}/requests {"action":"lockForApproval"}: the relationship can then be approved by the customer. */
  lockForApproval(relationshipId: string): Promise<void>;
  getRelationship(relationshipId: string): Promise<GdapRelationship | undefined>;
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
  invitationReady(request: AccessRequest, invitation: RelationshipInvitation): Promise<void>;
  /** The relationship could not be prepared (GDAP creation failed): the requester is told; the request keeps waiting. */
  invitationFailed(request: AccessRequest): Promise<void>;
  /** Still not accepted after a while: the requester is reminded once, with the invitation again. */
  reminder(request: AccessRequest, invitation: RelationshipInvitation): Promise<void>;
  /** The customer accepted: the requester is told the request went on to approval. */
  accepted(request: AccessRequest): Promise<void>;
}
