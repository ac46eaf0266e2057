// Azure RBAC through @azure/arm-authorization: role definitions and role assignments in customer subscriptions.
import { AuthorizationManagementClient, type RoleAssignment as SdkRoleAssignment } from '@azure/arm-authorization';
import { createPipelineRequest, isRestError, type PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { principalId, type SubscriptionId, type TenantId } from '../domain/ids';
import { isAccessDenied } from '../services/access-errors';
import {
  ArmRequestError, CloudUnavailableError, type ArmFailureCode, type AssignRolesPermission, type AzureRbacGateway, type CreateAssignmentResult,
  type NewRoleAssignment, type RoleAssignment, type RoleDefinition,
} from '../services/ports';
import { allowsAction, permissionListSchema, ROLE_ASSIGNMENT_WRITE, type Permission } from './arm-permissions';
import { applyCallPolicy, type CallPolicyOptions } from './call-policy';
import { forTenant } from './credentials';
import { sameOriginPath, tlsWithExtraCa, trimBaseUrl } from './rest-pipeline';
import { serviceRefusal } from './token-errors';

/** The permissions API's version (the subscription-scope path works though the spec lists only RG and resource ones). */
const PERMISSIONS_API_VERSION = '2022-04-01';
/** Roles held at a scope fit in one page; more pages than this is a nextLink loop. */
const MAX_PERMISSION_PAGES = 20;

export const DEFAULT_ARM_AUDIENCE = 'https://management.azure.com';
/** The SDK's constructor wants a subscription id; every call we make is by scope, so none is used. */
const UNUSED_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';

/**
 * ARM retries, done by the call policy in the SDK pipeline: 429 (and 503) after their Retry-After when it is at most
 * 60 s, other 5xx, dropped connections and attempts past their deadline with exponential backoff from 1 s up to 30 s;
 * six retries ride out a minute of trouble before the caller hears of it. At worst 7 × 60 s + 6 × 60 s = 13 min.
 */
export const DEFAULT_ARM_RETRY_OPTIONS: PipelineRetryOptions = { maxRetries: 6, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 };

/** With the call policy's requestTimeoutInMs (default 60 s) and retryOptions (default DEFAULT_ARM_RETRY_OPTIONS). */
export interface ArmRbacGatewayOptions extends CallPolicyOptions {
  /** https://management.azure.com, or a sandbox base URL. */
  endpoint: string;
  credential: TokenCredential;
  /** Token audience; default: the endpoint itself for an Azure cloud's ARM (management.*), else https://management.azure.com. */
  armAudience?: string;
  tlsCa?: string;
}

const KNOWN_CODES: Record<string, ArmFailureCode> = {
  authorizationfailed: 'AuthorizationFailed',
  linkedauthorizationfailed: 'AuthorizationFailed',
  principalnotfound: 'PrincipalNotFound',
  roleassignmentupdatenotpermitted: 'RoleAssignmentUpdateNotPermitted',
  roleassignmentlimitexceeded: 'RoleAssignmentLimitExceeded',
  roledefinitiondoesnotexist: 'RoleDefinitionDoesNotExist',
  subscriptionnotfound: 'SubscriptionNotFound',
  resourcegroupnotfound: 'NotFound',
  resourcenotfound: 'NotFound',
  roleassignmentnotfound: 'NotFound',
};

/** "…The ID of the existing role assignment is 716c4d159bc8476da3c16ccb70082517." → the GUID with dashes. */
export function existingAssignmentIdFrom(message: string): string | undefined {
  const match = /existing role assignment is\s+'?([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(message);
  const hex = match?.[1]?.replace(/-/g, '').toLowerCase();
  return hex === undefined ? undefined : `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The token audience for an ARM endpoint: a sovereign cloud's own (https://management.usgovcloudapi.net,
 * https://management.chinacloudapi.cn) for its `management.` host; the public cloud's for anything else (a sandbox).
 */
export function armAudienceFor(endpoint: string): string {
  let host = '';
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return DEFAULT_ARM_AUDIENCE;
  }
  return host.startsWith('management.') ? `https://${host}` : DEFAULT_ARM_AUDIENCE;
}

/** The credential's refusal (AccessDeniedError) anywhere in the error's causes: it travels up unchanged. */
function refusalIn(error: unknown): unknown {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (isAccessDenied(current)) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/** Network failures and 5xx (after the pipeline's retries) are outages; everything else is an answer. */
function isOutage(error: unknown): boolean {
  if (refusalIn(error) !== undefined) return false;
  if (!isRestError(error)) return true;
  return error.statusCode === undefined || error.statusCode >= 500;
}

/** ARM's error code from an ErrorResponse body ({"error":{"code":…}}); '' when there is none. */
function errorCodeOf(body: string | undefined): string {
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    const error = typeof parsed === 'object' && parsed !== null && 'error' in parsed ? parsed.error : undefined;
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

function toAssignment(a: SdkRoleAssignment): RoleAssignment {
  return {
    id: a.id ?? '',
    name: a.name ?? '',
    scope: a.scope ?? '',
    roleDefinitionId: a.roleDefinitionId ?? '',
    principalId: principalId(a.principalId ?? ''),
    ...(a.principalType ? { principalType: a.principalType } : {}),
    ...(a.createdBy ? { createdBy: a.createdBy } : {}),
    ...(a.createdOn ? { createdOn: a.createdOn } : {}),
  };
}

export class ArmRbacGateway implements AzureRbacGateway {
  private readonly clients = new Map<string, AuthorizationManagementClient>();

  constructor(private readonly options: ArmRbacGatewayOptions) {}

  /** One client per customer tenant, whose credential always asks for a token in that tenant. */
  private client(tenant: TenantId): AuthorizationManagementClient {
    const key = tenant.toLowerCase();
    let client = this.clients.get(key);
    if (!client) {
      client = new AuthorizationManagementClient(forTenant(this.options.credential, tenant), UNUSED_SUBSCRIPTION_ID, {
        endpoint: trimBaseUrl(this.options.endpoint),
        credentialScopes: [`${trimBaseUrl(this.options.armAudience ?? armAudienceFor(this.options.endpoint))}/.default`],
        tlsOptions: tlsWithExtraCa(this.options.tlsCa),
        userAgentOptions: { userAgentPrefix: 'csp-access-bot' },
      });
      // Every call of the client, the permissions requests sent through its pipeline included.
      applyCallPolicy(client.pipeline, { retryOptions: this.options.retryOptions ?? DEFAULT_ARM_RETRY_OPTIONS, requestTimeoutInMs: this.options.requestTimeoutInMs });
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Rethrows: a token Entra refused (even wrapped by the pipeline) and ARM's 401/403 as AccessDeniedError (a reason,
   * not an outage), outages as CloudUnavailableError, other ARM answers as the SDK's RestError (check with isRestError).
   */
  private rethrow(error: unknown, what: string, tenant: TenantId): never {
    const refusal = refusalIn(error);
    if (refusal !== undefined) throw refusal;
    if (isRestError(error) && (error.statusCode === 401 || error.statusCode === 403)) {
      throw serviceRefusal('ARM', error.statusCode, error.code, `${what} refused (${error.statusCode}): ${error.message}`, tenant, error);
    }
    if (isOutage(error)) {
      throw new CloudUnavailableError('ARM', `${what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    // Services never see the SDK's error type: ARM's own refusal of this request keeps its code and message.
    if (isRestError(error)) throw new ArmRequestError(error.code ?? 'Other', error.statusCode, error.message, { cause: error });
    throw error;
  }

  async listRoleDefinitions(customerTenant: TenantId, subscription: SubscriptionId): Promise<RoleDefinition[]> {
    const result: RoleDefinition[] = [];
    try {
      for await (const d of this.client(customerTenant).roleDefinitions.list(`/subscriptions/${subscription}`)) {
        if (!d.id || !d.name || !d.roleName) continue;
        result.push({ id: d.id, name: d.name, roleName: d.roleName, description: d.description ?? '', roleType: d.roleType ?? 'BuiltInRole', ...(d.permissions ? { permissions: d.permissions } : {}) });
      }
    } catch (error: unknown) {
      this.rethrow(error, 'Listing role definitions', customerTenant);
    }
    return result;
  }

  async createRoleAssignment(customerTenant: TenantId, assignment: NewRoleAssignment): Promise<CreateAssignmentResult> {
    try {
      const created = await this.client(customerTenant).roleAssignments.create(assignment.scope, assignment.name, {
        roleDefinitionId: assignment.roleDefinitionId,
        principalId: assignment.principalId,
        principalType: assignment.principalType,
        ...(assignment.description === undefined ? {} : { description: assignment.description }),
      });
      return { ok: true, alreadyExisted: false, assignment: toAssignment(created) };
    } catch (error: unknown) {
      // ARM's 403 (AuthorizationFailed) stays an outcome the requester reads; a refused or rejected token (401) is a refusal.
      if (isOutage(error) || !isRestError(error) || error.statusCode === 401) this.rethrow(error, 'Creating the role assignment', customerTenant);
      const code = (error.code ?? '').toLowerCase();
      if (error.statusCode === 409 && code === 'roleassignmentexists') {
        const existingAssignmentId = existingAssignmentIdFrom(error.message);
        return { ok: true, alreadyExisted: true, ...(existingAssignmentId ? { existingAssignmentId } : {}) };
      }
      const mapped: ArmFailureCode = KNOWN_CODES[code] ?? (error.statusCode === 429 ? 'Throttled' : error.statusCode === 404 ? 'NotFound' : 'Other');
      return { ok: false, code: mapped, statusCode: error.statusCode, message: error.message };
    }
  }

  async getRoleAssignment(customerTenant: TenantId, scope: string, name: string): Promise<RoleAssignment | undefined> {
    try {
      return toAssignment(await this.client(customerTenant).roleAssignments.get(scope, name));
    } catch (error: unknown) {
      if (isRestError(error) && error.statusCode === 404 && (error.code ?? '').toLowerCase() === 'roleassignmentnotfound') return undefined;
      return this.rethrow(error, 'Reading the role assignment', customerTenant);
    }
  }

  async listRoleAssignments(customerTenant: TenantId, scope: string): Promise<RoleAssignment[]> {
    const result: RoleAssignment[] = [];
    try {
      for await (const a of this.client(customerTenant).roleAssignments.listForScope(scope)) result.push(toAssignment(a));
    } catch (error: unknown) {
      this.rethrow(error, 'Listing role assignments', customerTenant);
    }
    return result;
  }

  async deleteRoleAssignment(customerTenant: TenantId, scope: string, name: string): Promise<boolean> {
    let status: number | undefined;
    try {
      await this.client(customerTenant).roleAssignments.delete(scope, name, {
        onResponse: (raw) => {
          status = raw.status;
        },
      });
    } catch (error: unknown) {
      // A 401/403 becomes AccessDeniedError (code AuthorizationFailed kept), anything else ARM refuses an ArmRequestError.
      this.rethrow(error, 'Deleting the role assignment', customerTenant);
    }
    return status === 200;
  }

  async canAssignRoles(customerTenant: TenantId, scope: string): Promise<AssignRolesPermission> {
    const client = this.client(customerTenant);
    const endpoint = trimBaseUrl(this.options.endpoint);
    const permissions: Permission[] = [];
    // The SDK has only the resource-group and resource variants: the same request, sent through its own pipeline
    // (token for this tenant, deadline and retries, TLS), at any scope.
    let url: string | undefined = `${endpoint}${scope}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`;
    for (let page = 0; url !== undefined; page++) {
      if (page === MAX_PERMISSION_PAGES) throw new CloudUnavailableError('ARM', `Permissions at ${scope}: more than ${MAX_PERMISSION_PAGES} pages`);
      let response;
      try {
        response = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
      } catch (error: unknown) {
        this.rethrow(error, 'Reading permissions', customerTenant);
      }
      if (response.status === 401 || response.status === 403) return 'denied';
      // SubscriptionNotFound, ResourceGroupNotFound: the scope is gone (a cancelled subscription), not an outage.
      if (response.status === 404 && /NotFound/i.test(errorCodeOf(response.bodyAsText ?? undefined))) return 'not_found';
      if (response.status < 200 || response.status >= 300) {
        throw new CloudUnavailableError('ARM', `Reading permissions at ${scope} answered ${response.status}`, { statusCode: response.status });
      }
      let parsed;
      try {
        parsed = permissionListSchema.safeParse(JSON.parse(response.bodyAsText ?? ''));
      } catch (error: unknown) {
        throw new CloudUnavailableError('ARM', `Reading permissions at ${scope}: the answer is not JSON`, { cause: error });
      }
      if (!parsed.success) throw new CloudUnavailableError('ARM', `Reading permissions at ${scope}: unexpected answer`);
      permissions.push(...parsed.data.value);
      const next = parsed.data.nextLink ?? undefined;
      if (next !== undefined && sameOriginPath(endpoint, next) === undefined) throw new CloudUnavailableError('ARM', `Permissions at ${scope}: nextLink to another host: ${next}`);
      url = next;
    }
    return allowsAction(permissions, ROLE_ASSIGNMENT_WRITE) ? 'allowed' : 'denied';
  }
}
