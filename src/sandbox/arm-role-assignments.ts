// ARM role assignments at a subscription or resource-group scope: PUT/GET/DELETE by name and list, with ARM's rules.
import { z } from 'zod';
import { armError, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SandboxState, StoredRoleAssignment } from './state';
import type { ArmScope } from './arm-routes';
import { authorizationFailed, decide } from './arm-permissions';
import { conditionParses, type RoleAssignmentAttributes } from './arm-conditions';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION_ID = /^(?:\/subscriptions\/([^/]+))?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i;

const putBodySchema = z.object({
  properties: z.object({
    roleDefinitionId: z.string(),
    principalId: z.string(),
    principalType: z.enum(['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device']).optional(),
    description: z.string().nullable().optional(),
    condition: z.string().nullable().optional(),
    conditionVersion: z.string().nullable().optional(),
  }),
});

/** A principal of the customer's directory (user, group, service principal), or a partner group named as ForeignGroup. */
function findPrincipal(state: SandboxState, tenant: string, id: string, declared: string | undefined): { id: string; type: string } | undefined {
  const same = (a: string) => a.toLowerCase() === id.toLowerCase();
  const user = state.usersOf(tenant).find((u) => same(u.id));
  if (user) return { id: user.id, type: 'User' };
  const group = state.findGroup(tenant, id);
  if (group) return { id: group.id, type: 'Group' };
  const sp = state.entra.servicePrincipals.find((s) => same(s.objectId) && s.tenantId.toLowerCase() === tenant.toLowerCase());
  if (sp) return { id: sp.objectId, type: 'ServicePrincipal' };
  const partnerGroup = declared === 'ForeignGroup' ? state.findGroup(state.partner.tenantId, id) : undefined;
  return partnerGroup ? { id: partnerGroup.id, type: 'ForeignGroup' } : undefined;
}

/** ARM timestamps carry 7 fractional digits. */
const armNow = (): string => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export function assignmentBody(a: StoredRoleAssignment) {
  const subscriptionScope = a.scope.split('/').slice(0, 3).join('/');
  return {
    properties: {
      roleDefinitionId: `${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionName}`,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: a.condition ?? null,
      conditionVersion: a.conditionVersion ?? null,
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: a.createdBy,
      updatedBy: a.updatedBy,
      delegatedManagedIdentityResourceId: null,
      description: a.description,
    },
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: a.name,
  };
}

function put(state: SandboxState, req: SandboxRequest, target: ArmScope, name: string): SandboxResponse {
  const parsed = putBodySchema.safeParse(req.body);
  if (!parsed.success) return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const p = parsed.data.properties;
  const subscriptionId = target.location.subscription.subscriptionId;
  const roleMatch = ROLE_DEFINITION_ID.exec(p.roleDefinitionId);
  const roleGuid = roleMatch?.[2]?.toLowerCase() ?? p.roleDefinitionId;
  const role = state.roleDefinitionsFor(subscriptionId).find((r) => r.name.toLowerCase() === roleGuid);
  const wrongSubscription = roleMatch?.[1] !== undefined && roleMatch[1].toLowerCase() !== subscriptionId.toLowerCase();
  if (!roleMatch || !role || wrongSubscription) {
    return armError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid}' does not exist.`);
  }
  const tenant = target.location.customer.id;
  const principal = GUID.test(p.principalId) ? findPrincipal(state, tenant, p.principalId, p.principalType) : undefined;
  if (!principal) {
    return armError(400, 'PrincipalNotFound', `Principal ${p.principalId.replace(/-/g, '')} does not exist in the directory ${tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
  }
  if (p.principalType !== undefined && p.principalType !== principal.type) {
    return armError(400, 'UnmatchedPrincipalType', `The PrincipalId '${principal.id.replace(/-/g, '')}' has type '${principal.type}' , which is different from specified PrincipalType '${p.principalType}'.`);
  }
  if (p.condition && (p.conditionVersion !== '2.0' || !conditionParses(p.condition))) {
    return armError(400, 'InvalidConditionSyntax', `The condition '${p.condition}' is not valid for conditionVersion '${p.conditionVersion ?? ''}'.`);
  }
  const action = 'Microsoft.Authorization/roleAssignments/write';
  const request: RoleAssignmentAttributes = { roleDefinitionId: role.name.toLowerCase(), principalType: principal.type, principalId: principal.id.toLowerCase() };
  const decision = decide(state, target.caller, tenant, target.scope, action, { request });
  if (decision !== 'allowed') return authorizationFailed(target.caller, action, `${target.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, decision === 'conditionNotMet');
  const principalId = principal.id.toLowerCase();
  const existing = state.findAssignment(target.scope, name);
  if (existing) {
    if (existing.principalId !== principalId || existing.roleDefinitionName !== role.name.toLowerCase()) {
      return armError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    existing.description = p.description ?? existing.description;
    existing.updatedOn = armNow();
    existing.updatedBy = req.token.objectId ?? null;
    return json(200, assignmentBody(existing));
  }
  const duplicate = state.roleAssignments.find((a) => a.scope.toLowerCase() === target.scope.toLowerCase() &&
    a.principalId === principalId && a.roleDefinitionName === role.name.toLowerCase());
  if (duplicate) {
    return armError(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${duplicate.name.replace(/-/g, '')}.`);
  }
  const now = armNow();
  const created: StoredRoleAssignment = {
    name,
    scope: target.scope,
    roleDefinitionName: role.name.toLowerCase(),
    principalId,
    principalType: principal.type,
    description: p.description ?? null,
    condition: p.condition ?? null,
    conditionVersion: p.condition ? (p.conditionVersion ?? null) : null,
    createdOn: now,
    updatedOn: now,
    createdBy: req.token.objectId ?? null,
    updatedBy: req.token.objectId ?? null,
  };
  state.roleAssignments.push(created);
  return json(201, assignmentBody(created));
}

/** List semantics of ARM: no filter = at, above and below the scope; atScope() = at and above; principalId eq = that principal. */
function list(state: SandboxState, req: SandboxRequest, target: ArmScope): SandboxResponse {
  const scope = target.scope.toLowerCase();
  const filter = req.query.get('$filter');
  let atScopeOnly = false;
  let principal: string | undefined;
  if (filter !== null) {
    for (const clause of filter.split(/\s+and\s+/i).map((c) => c.trim())) {
      const byPrincipal = /^(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))$/i.exec(clause);
      if (/^atScope\(\)$/i.test(clause)) atScopeOnly = true;
      else if (byPrincipal) principal = (byPrincipal[1] ?? byPrincipal[2] ?? '').toLowerCase();
      else return armError(400, 'InvalidFilterParameter', `The filter '${filter}' is not supported.`);
    }
  }
  const isAboveOrAt = (s: string) => scope === s || scope.startsWith(`${s}/`);
  const isBelow = (s: string) => s.startsWith(`${scope}/`);
  const value = state.roleAssignments
    .filter((a) => isAboveOrAt(a.scope.toLowerCase()) || (!atScopeOnly && isBelow(a.scope.toLowerCase())))
    .filter((a) => principal === undefined || a.principalId === principal)
    .map(assignmentBody);
  return json(200, { value });
}

/** Dispatches …/providers/Microsoft.Authorization/roleAssignments[/{name}] for an already-checked scope. */
export function roleAssignmentsRoute(state: SandboxState, req: SandboxRequest, target: ArmScope, rawName: string | undefined): SandboxResponse | undefined {
  if (rawName === undefined) return req.method === 'GET' ? list(state, req, target) : undefined;
  if (!GUID.test(rawName)) {
    return armError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${rawName}' is not valid. The role assignment ID must be a GUID.`);
  }
  const name = rawName.toLowerCase();
  if (req.method === 'PUT') return put(state, req, target, name);
  const existing = state.findAssignment(target.scope, name);
  if (req.method === 'GET') {
    return existing ? json(200, assignmentBody(existing)) : armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
  }
  if (req.method === 'DELETE') {
    if (!existing) return { status: 204 };
    // A delete condition looks at the assignment being removed (@Resource).
    const action = 'Microsoft.Authorization/roleAssignments/delete';
    const resource: RoleAssignmentAttributes = { roleDefinitionId: existing.roleDefinitionName, principalType: existing.principalType, principalId: existing.principalId };
    const decision = decide(state, target.caller, target.location.customer.id, target.scope, action, { resource });
    if (decision !== 'allowed') return authorizationFailed(target.caller, action, `${target.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, decision === 'conditionNotMet');
    state.removeAssignment(existing);
    return json(200, assignmentBody(existing));
  }
  return undefined;
}
