// What keeps the bot from acting for a customer: each missing piece, with what its answer must name.

export type AccessModel = 'delegated' | 'app';

/** A partner security group, with its display name when Graph gave it. */
export interface GroupRef {
  readonly id: string;
  readonly name?: string;
}

export type ReadinessGap =
  /**
   * No relationship to act through: the customer must accept one. `reseller`: they are the partner's reseller customer
   * already, so what is missing is a GDAP relationship (one may already wait for them: `pendingRelationshipId`).
   */
  | { readonly kind: 'no_relationship'; readonly reseller?: boolean; readonly pendingRelationshipId?: string }
  /** Active GDAP, but no active access assignment gives roles to a group the bot's account is in. */
  /** `role`: the least role of those the relationship holds that reads the directory (absent: Directory Readers). */
  | { readonly kind: 'no_group_assignment'; readonly groups: readonly GroupRef[]; readonly role?: string }
  /**
   * Active GDAP whose access assignment for the partner's groups was gone (removed in Partner Center): the bot created
   * it again, as when the relationship was first accepted; it gives the roles once Microsoft activates it (minutes).
   */
  | { readonly kind: 'access_assignment_restored'; readonly groups: readonly GroupRef[] }
  /** The roles that reach the bot's account read no directory: `role` must be added (to the relationship too, if `inRelationship` is false). */
  | { readonly kind: 'no_directory_role'; readonly role: string; readonly groups: readonly GroupRef[]; readonly inRelationship: boolean }
  /** The bot may not write role assignments on the subscription. */
  | { readonly kind: 'no_azure_rights'; readonly model: AccessModel; readonly groups: readonly GroupRef[]; readonly appId: string }
  /** ARM does not know the subscription, or Partner Center says it is not active (cancelled, suspended). */
  | { readonly kind: 'subscription_unavailable'; readonly status: string }
  /** The bot's app is not consented in the customer's tenant: a customer administrator opens `consentUrl`. */
  | { readonly kind: 'not_consented'; readonly model: AccessModel; readonly consentUrl: string }
  /** The service account's refresh token is expired or revoked (or MFA is needed again): `npm run consent`. */
  | { readonly kind: 'sign_in_required' }
  /** The bot's own app credential (secret, certificate) was refused. */
  | { readonly kind: 'app_credential_invalid' }
  /** A setting the next step needs is not set. */
  | { readonly kind: 'missing_setting'; readonly setting: 'RELATIONSHIP_REQUEST_URL' | 'GDAP_SECURITY_GROUPS' }
  /** Microsoft refused for another reason (code as Microsoft gave it). */
  | { readonly kind: 'refused'; readonly service: string; readonly code: string };

/** Gaps someone can close (the customer, the partner's admins): a request may wait for them. */
export const WAITABLE_GAPS: ReadonlySet<ReadinessGap['kind']> = new Set(['no_relationship', 'no_group_assignment', 'access_assignment_restored', 'no_directory_role', 'no_azure_rights', 'not_consented', 'sign_in_required', 'missing_setting']);
