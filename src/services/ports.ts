// What the use cases need from Microsoft's clouds. src/gateways/ implements these against the real REST APIs
// (Partner Center, Microsoft Graph, Azure Resource Manager); the sandbox speaks the same APIs locally.
import type { RolePermission } from '../domain/access-management';
import type { PrincipalId, SubscriptionId, TenantId } from '../domain/ids';

/** A customer of the partner, as Partner Center knows it. */
export interface Customer {
  /** Partner Center customer id; equal to the customer's Entra tenant id. */
  readonly id: TenantId;
  readonly tenantId: TenantId;
  readonly companyName: string;
  readonly domain: string;
  readonly relationshipToPartner: string;
  /**
   * Legacy DAP (delegated admin privileges, retired for reseller relationships in 2023), from GET /v1/customers/{id}
   * only; undefined when Partner Center did not say. It says nothing of GDAP: readiness asks Graph for that.
   */
  readonly allowDelegatedAccess?: boolean;
}

/** An Azure subscription of a customer (from its Azure plan's entitlements). */
export interface AzureSubscription {
  readonly subscriptionId: SubscriptionId;
  readonly displayName: string;
  readonly status: string;
}

export interface PartnerCenterGateway {
  /** Every customer of the partner (follows Partner Center's continuation links). */
  listCustomers(): Promise<Customer[]>;
  /** Customers whose company name starts with `prefix` (Partner Center `filter` with `starts_with`). */
  searchCustomersByName(prefix: string): Promise<Customer[]>;
  /** The full customer record, including `allowDelegatedAccess`; undefined when Partner Center answers 404. */
  getCustomer(id: TenantId): Promise<Customer | undefined>;
  /** The customer's Azure subscriptions: its Azure plan subscriptions' `azureEntitlements`. */
  listAzureSubscriptions(customerId: TenantId): Promise<AzureSubscription[]>;
  /** The partner's relationship-request URL, exactly as Partner Center returns it. */
  getRelationshipRequestUrl(): Promise<string>;
  /**
   * Consents the partner's app in the customer's tenant for delegated scopes (`POST /v1/customers/{id}/applicationconsents`,
   * App+User, a partner user holding Cloud Application Administrator there through GDAP). An existing consent counts.
   */
  consentApplication(customerId: TenantId, consent: ApplicationConsent): Promise<void>;
}

/** What `applicationconsents` grants: delegated scopes of resource apps (Graph, Azure Service Management), by their app ids. */
export interface ApplicationConsent {
  readonly applicationId: string;
  readonly grants: readonly { readonly enterpriseApplicationId: string; readonly scopes: readonly string[] }[];
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

/** A user of a customer's (or the partner's) Entra directory, from Microsoft Graph. */
export interface DirectoryUser {
  readonly id: PrincipalId;
  readonly displayName: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly userPrincipalName: string;
  readonly mail?: string;
  /** Graph `userType`: "Member" or "Guest". */
  readonly userType?: string;
}

export interface DirectoryGateway {
  /**
   * Users of `tenantId` that match `text`: an object id, a UPN or an e-mail address (exact `eq`), otherwise a
   * `startswith` on displayName, givenName, surname, userPrincipalName and mail.
   */
  findUsers(tenantId: TenantId, text: string): Promise<DirectoryUser[]>;
  getUser(tenantId: TenantId, id: PrincipalId): Promise<DirectoryUser | undefined>;
  /**
   * Object ids of the users in Entra group `groupId` of `tenantId`, direct or through nested groups, each once.
   * An unknown group (or one of another tenant) gives an empty list.
   */
  listGroupUserIds(tenantId: TenantId, groupId: string): Promise<string[]>;
  /**
   * Those of `groupIds` (as given) that user `userId` of `tenantId` is a direct or transitive member of; empty for an
   * unknown user. Any number of ids: Graph's checkMemberGroups takes 20 per call, so they are sent in batches.
   */
  memberGroups(tenantId: TenantId, userId: PrincipalId, groupIds: readonly string[]): Promise<string[]>;
  /**
   * Reads one user of `tenantId` (any), to learn whether the bot may read that directory at all: resolves when it may,
   * throws AccessDeniedError (or a 401/403 CloudUnavailableError) when Microsoft refuses.
   */
  probeDirectory(tenantId: TenantId): Promise<void>;
}

export interface RoleDefinition {
  /** Full ARM id: /subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}. */
  readonly id: string;
  /** The role definition GUID (the resource `name`). */
  readonly name: string;
  readonly roleName: string;
  readonly description: string;
  /** "BuiltInRole" or "CustomRole". */
  readonly roleType: string;
  /** What the role allows (ARM `properties.permissions`); absent when the role is known only by its built-in GUID. */
  readonly permissions?: readonly RolePermission[];
}

export interface RoleAssignment {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly roleDefinitionId: string;
  readonly principalId: PrincipalId;
  readonly principalType?: string;
  readonly createdBy?: string;
  readonly createdOn?: Date;
}

export interface NewRoleAssignment {
  /** ARM scope, e.g. /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{rg}. */
  readonly scope: string;
  /** The role assignment name: a GUID, stable for one request (UUID v5 of the request id). */
  readonly name: string;
  readonly roleDefinitionId: string;
  readonly principalId: PrincipalId;
  readonly principalType: PrincipalType;
  readonly description?: string;
}

/** ARM error codes the use cases act on; anything else is `Other` with ARM's own message. */
export type ArmFailureCode =
  | 'AuthorizationFailed'
  | 'PrincipalNotFound'
  | 'RoleAssignmentUpdateNotPermitted'
  | 'RoleAssignmentLimitExceeded'
  | 'RoleDefinitionDoesNotExist'
  | 'SubscriptionNotFound'
  | 'NotFound'
  | 'Throttled'
  | 'Other';

export type CreateAssignmentResult =
  | { readonly ok: true; readonly assignment: RoleAssignment; readonly alreadyExisted: false }
  /** 409 RoleAssignmentExists: the principal already has this role at this scope (under another name). */
  | { readonly ok: true; readonly alreadyExisted: true; readonly existingAssignmentId?: string }
  | { readonly ok: false; readonly code: ArmFailureCode; readonly statusCode?: number; readonly message: string };

export interface AzureRbacGateway {
  /** Role definitions assignable at the subscription (built-in and custom). */
  listRoleDefinitions(customerTenant: TenantId, subscriptionId: SubscriptionId): Promise<RoleDefinition[]>;
  createRoleAssignment(customerTenant: TenantId, assignment: NewRoleAssignment): Promise<CreateAssignmentResult>;
  getRoleAssignment(customerTenant: TenantId, scope: string, name: string): Promise<RoleAssignment | undefined>;
  listRoleAssignments(customerTenant: TenantId, scope: string): Promise<RoleAssignment[]>;
  /** true when deleted, false when there was nothing to delete (ARM 204). */
  deleteRoleAssignment(customerTenant: TenantId, scope: string, name: string): Promise<boolean>;
  /**
   * Whether the bot's identity may write role assignments at `scope` (ARM's permissions API, evaluated for
   * Microsoft.Authorization/roleAssignments/write); `not_found` when ARM does not know the subscription.
   */
  canAssignRoles(customerTenant: TenantId, scope: string): Promise<AssignRolesPermission>;
}

export type AssignRolesPermission = 'allowed' | 'denied' | 'not_found';

export interface CloudUnavailableErrorOptions {
  readonly cause?: unknown;
  /** The HTTP status the service answered with, when it answered. */
  readonly statusCode?: number;
  /** How long the service asked callers to wait before asking again (Retry-After on a 429 or 503), when it said. */
  readonly retryAfterInMs?: number;
}

/** Thrown by gateways for failures the caller cannot act on (network, 5xx after retries, throttling, malformed answers). */
export class CloudUnavailableError extends Error {
  override readonly name = 'CloudUnavailableError';
  readonly statusCode?: number;
  readonly retryAfterInMs?: number;
  constructor(readonly service: 'PartnerCenter' | 'Graph' | 'ARM', message: string, options: CloudUnavailableErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.retryAfterInMs !== undefined) this.retryAfterInMs = options.retryAfterInMs;
  }
}

/** ARM refused one request for a reason of its own (400, 404, 409…): neither a refusal of the bot's rights nor an outage. */
export class ArmRequestError extends Error {
  override readonly name = 'ArmRequestError';
  constructor(readonly code: string, readonly statusCode: number | undefined, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
  }
}
