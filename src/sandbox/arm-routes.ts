// Azure Resource Manager subset: api-version, token tenant and RBAC checks, subscriptions, role definitions, permissions.
import { armError, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SandboxState, SubscriptionLocation } from './state';
import type { SeedRoleDefinition } from './seed';
import { roleAssignmentsRoute } from './arm-role-assignments';
import { callerOf, type Caller } from './authorization';
import { authorizationFailed, decide, hasAnyAccessWithin, permissionsAt } from './arm-permissions';

/** A resolved scope: a subscription, optionally one of its resource groups, and who asks. */
export interface ArmScope {
  readonly scope: string;
  readonly location: SubscriptionLocation;
  readonly resourceGroup?: string;
  readonly caller: Caller;
}

const invalidToken = (): SandboxResponse => armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');

function wrongTenant(tokenTenant: string, tenant: string): SandboxResponse {
  return armError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer 'https://sts.windows.net/${tokenTenant}/'. It must match the tenant 'https://sts.windows.net/${tenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`);
}

/**
 * Resolves /subscriptions/{id}[/resourceGroups/{rg}] and applies ARM's checks in ARM's order: subscription exists,
 * token tenant matches, the caller's roles allow `action` there (the gateway's check, none when `action` is
 * undefined; its refusal names the scope followed by `resourcePath`), resource group exists.
 */
export function resolveScope(state: SandboxState, req: SandboxRequest, parts: readonly string[], action: string | undefined, resourcePath = ''): ArmScope | SandboxResponse {
  const [subs, subscriptionId, rgs, resourceGroup, ...extra] = parts;
  const wellFormed = subs?.toLowerCase() === 'subscriptions' && subscriptionId !== undefined &&
    (rgs === undefined || (rgs.toLowerCase() === 'resourcegroups' && resourceGroup !== undefined && extra.length === 0));
  if (!wellFormed) return armError(400, 'InvalidScope', `The scope '/${parts.join('/')}' is not supported by the sandbox.`);
  const caller = callerOf(req.token);
  if (!caller) return invalidToken();
  const location = state.findSubscription(subscriptionId);
  if (!location) return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  const tenant = location.customer.id;
  if (caller.tenantId.toLowerCase() !== tenant.toLowerCase()) return wrongTenant(caller.tenantId, tenant);
  const subscriptionScope = `/subscriptions/${location.subscription.subscriptionId}`;
  const rg = resourceGroup === undefined ? undefined : location.subscription.resourceGroups.find((r) => r.toLowerCase() === resourceGroup.toLowerCase());
  const scope = resourceGroup === undefined ? subscriptionScope : `${subscriptionScope}/resourceGroups/${rg ?? resourceGroup}`;
  if (action !== undefined && decide(state, caller, tenant, scope, action) === 'denied') return authorizationFailed(caller, action, `${scope}${resourcePath}`);
  if (resourceGroup !== undefined && rg === undefined) {
    return armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  }
  return { scope, location, resourceGroup: rg, caller };
}

function subscriptionBody(location: SubscriptionLocation) {
  const s = location.subscription;
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: location.customer.id,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'CSP_2015-05-01', spendingLimit: 'Off' },
    tags: s.tags,
  };
}

export function roleDefinitionBody(subscriptionId: string, r: SeedRoleDefinition) {
  return {
    properties: {
      roleName: r.roleName,
      type: r.roleType,
      description: r.description,
      assignableScopes: r.assignableScopes,
      permissions: r.permissions,
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2024-01-01T00:00:00.0000000Z',
      createdBy: null,
      updatedBy: null,
    },
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${r.name}`,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: r.name,
  };
}

function roleDefinitionsRoute(state: SandboxState, req: SandboxRequest, scope: ArmScope, name: string | undefined): SandboxResponse {
  const subscriptionId = scope.location.subscription.subscriptionId;
  const defs = state.roleDefinitionsFor(subscriptionId);
  if (name !== undefined) {
    const def = defs.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!def) return armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${name}' does not exist.`);
    return json(200, roleDefinitionBody(subscriptionId, def));
  }
  const filter = req.query.get('$filter');
  let selected = defs;
  if (filter !== null) {
    const m = /^\s*(roleName|type)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
    if (!m?.[1] || m[2] === undefined) return armError(400, 'InvalidFilterParameter', `The filter '${filter}' is not supported.`);
    const value = m[2].replace(/''/g, "'").toLowerCase();
    const byName = m[1].toLowerCase() === 'rolename';
    selected = defs.filter((d) => (byName ? d.roleName : d.roleType).toLowerCase() === value);
  }
  return json(200, { value: selected.map((d) => roleDefinitionBody(subscriptionId, d)) });
}

/** "/providers/Microsoft.Authorization/roleAssignments/{name}": what ARM's AuthorizationFailed names after the scope. */
const resourcePathOf = (parts: readonly string[], providerIndex: number): string => `/${parts.slice(providerIndex).join('/')}`;

/** Handles ARM paths (/subscriptions…, /providers…); undefined when no route matches. */
export function armRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  if (!req.query.get('api-version')) {
    return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
  const parts = req.segments.map((s) => decodeURIComponent(s));
  const providerIndex = parts.findIndex((p) => p.toLowerCase() === 'providers');
  if (providerIndex < 0) {
    if (req.method !== 'GET' || parts.length > 2) return undefined;
    if (parts.length === 1) {
      // The subscriptions of the token's tenant on which the caller holds some role (at, above or below the subscription).
      const caller = callerOf(req.token);
      if (!caller) return invalidToken();
      const visible = state.customers.filter((customer) => customer.id.toLowerCase() === caller.tenantId.toLowerCase())
        .flatMap((customer) => customer.azureSubscriptions.map((subscription) => ({ customer, subscription })))
        .filter((l) => hasAnyAccessWithin(state, caller, l.customer.id, `/subscriptions/${l.subscription.subscriptionId}`));
      return json(200, { value: visible.map(subscriptionBody) });
    }
    const resolved = resolveScope(state, req, parts, 'Microsoft.Resources/subscriptions/read');
    return 'status' in resolved ? resolved : json(200, subscriptionBody(resolved.location));
  }
  const [namespace, resourceType, name, ...rest] = parts.slice(providerIndex + 1);
  if (namespace?.toLowerCase() !== 'microsoft.authorization' || rest.length > 0) return undefined;
  const kind = resourceType?.toLowerCase();
  if (kind === 'roledefinitions') {
    if (req.method !== 'GET') return undefined;
    const resolved = resolveScope(state, req, parts.slice(0, providerIndex), 'Microsoft.Authorization/roleDefinitions/read', resourcePathOf(parts, providerIndex));
    return 'status' in resolved ? resolved : roleDefinitionsRoute(state, req, resolved, name);
  }
  if (kind === 'roleassignments') {
    // The gateway checks the action alone; write and delete conditions are checked with the assignment's attributes.
    const action = req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : 'write';
    const resolved = resolveScope(state, req, parts.slice(0, providerIndex), `Microsoft.Authorization/roleAssignments/${action}`, resourcePathOf(parts, providerIndex));
    return 'status' in resolved ? resolved : roleAssignmentsRoute(state, req, resolved, name);
  }
  if (kind === 'permissions' && name === undefined && req.method === 'GET') {
    // Anyone may list their own permissions; someone without a role gets an empty list.
    const resolved = resolveScope(state, req, parts.slice(0, providerIndex), undefined);
    if ('status' in resolved) return resolved;
    return json(200, { value: permissionsAt(state, resolved.caller, resolved.location.customer.id, resolved.scope) });
  }
  return undefined;
}
