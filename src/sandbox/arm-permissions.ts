// Azure RBAC as ARM evaluates it for one caller: effective role assignments at a scope, actions/notActions, conditions.
import { actionMatches, conditionAllows, type ConditionContext } from './arm-conditions';
import { isPartnerUser, sameId, type Caller } from './authorization';
import type { SeedRoleDefinition } from './seed';
import type { SandboxState, StoredRoleAssignment } from './state';
import { errorFor, type SandboxResponse } from './http-kit';

export interface EffectiveAssignment {
  readonly assignment: StoredRoleAssignment;
  readonly role: SeedRoleDefinition;
}

/** An ARM Permission (common-types): what one role lets the caller do. */
export interface ArmPermission {
  readonly actions: string[];
  readonly notActions: string[];
  readonly dataActions: string[];
  readonly notDataActions: string[];
}

const isAtOrAbove = (assignmentScope: string, scope: string): boolean => {
  const a = assignmentScope.toLowerCase();
  const s = scope.toLowerCase();
  return s === a || s.startsWith(`${a}/`);
};

/**
 * Whether an assignment in `customerTenantId` is the caller's: to its own object id (the app's service principal, or a
 * user of that tenant), to a group of that tenant holding it, or — AOBO — to a partner group ("ForeignGroup") that
 * transitively holds a partner user, and only while that user has at least one GDAP (or DAP) role in the customer
 * ("A user without at least one GDAP role in the customer tenant cannot use the Owner right", CSP notes §2.3).
 */
function holds(state: SandboxState, caller: Caller, customerTenantId: string, assignment: StoredRoleAssignment): boolean {
  if (assignment.principalType === 'ForeignGroup') {
    return isPartnerUser(state, caller) && state.isTransitiveMember(assignment.principalId, caller.objectId) &&
      state.partnerRolesIn(caller.objectId, customerTenantId).size > 0;
  }
  const nativeCaller = caller.kind === 'app' || sameId(caller.homeTenantId, customerTenantId);
  if (!nativeCaller) return false;
  if (sameId(assignment.principalId, caller.objectId)) return true;
  return assignment.principalType === 'Group' && state.findGroup(customerTenantId, assignment.principalId) !== undefined &&
    state.isTransitiveMember(assignment.principalId, caller.objectId);
}

/** The caller's role assignments that apply at `scope` (made at the scope or above it), with their roles. */
export function effectiveAssignments(state: SandboxState, caller: Caller, customerTenantId: string, scope: string): EffectiveAssignment[] {
  const out: EffectiveAssignment[] = [];
  for (const assignment of state.roleAssignments) {
    if (!isAtOrAbove(assignment.scope, scope) || !holds(state, caller, customerTenantId, assignment)) continue;
    const role = state.roleDefinitions.find((r) => sameId(r.name, assignment.roleDefinitionName));
    if (role) out.push({ assignment, role });
  }
  return out;
}

/** Whether any of the caller's assignments lies at, above or below `scope` (what makes a subscription show in GET /subscriptions). */
export function hasAnyAccessWithin(state: SandboxState, caller: Caller, customerTenantId: string, scope: string): boolean {
  return state.roleAssignments.some((a) => (isAtOrAbove(a.scope, scope) || isAtOrAbove(scope, a.scope)) && holds(state, caller, customerTenantId, a));
}

/** NotActions subtract within one permission entry only: they never deny what another role (or entry) allows. */
export const rolePermits = (role: SeedRoleDefinition, action: string): boolean =>
  role.permissions.some((p) => p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)));

export type Decision = 'allowed' | 'denied' | 'conditionNotMet';

/**
 * Whether the caller may perform `action` at `scope`. `context` carries the request's (write) or the existing
 * assignment's (delete) attributes for ABAC conditions; without it, conditions are not looked at (ARM's gateway check,
 * which knows only the action). 'conditionNotMet': a role allows the action but each such assignment's condition fails.
 */
export function decide(state: SandboxState, caller: Caller, customerTenantId: string, scope: string, action: string,
  context?: Omit<ConditionContext, 'action'>): Decision {
  const permitting = effectiveAssignments(state, caller, customerTenantId, scope).filter((e) => rolePermits(e.role, action));
  if (permitting.length === 0) return 'denied';
  if (context === undefined) return 'allowed';
  const passes = permitting.some(({ assignment }) => !assignment.condition || conditionAllows(assignment.condition, { ...context, action }));
  return passes ? 'allowed' : 'conditionNotMet';
}

/** GET {scope}/providers/Microsoft.Authorization/permissions: one entry per role the caller holds at or above the scope. */
export function permissionsAt(state: SandboxState, caller: Caller, customerTenantId: string, scope: string): ArmPermission[] {
  const seen = new Set<string>();
  const out: ArmPermission[] = [];
  for (const { role } of effectiveAssignments(state, caller, customerTenantId, scope)) {
    if (seen.has(role.name.toLowerCase())) continue;
    seen.add(role.name.toLowerCase());
    for (const p of role.permissions) {
      out.push({ actions: [...p.actions], notActions: [...p.notActions], dataActions: [...p.dataActions], notDataActions: [...p.notDataActions] });
    }
  }
  return out;
}

/**
 * ARM's 403 (CSP notes §4.3). The client is named by UPN for a user, by app id for an application. `conditionNotMet`:
 * a role allows the action but its ABAC condition does not ([inf] the wording ARM uses since conditions exist).
 */
export function authorizationFailed(caller: Caller, action: string, scope: string, conditionNotMet = false): SandboxResponse {
  const client = caller.kind === 'user' ? caller.upn ?? caller.objectId : caller.appId;
  const what = conditionNotMet ? 'does not have authorization or an ABAC condition not fulfilled to perform action' : 'does not have authorization to perform action';
  return errorFor('ARM', 403, 'AuthorizationFailed', `The client '${client}' with object id '${caller.objectId}' ${what} '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    { 'x-ms-failure-cause': 'gateway' });
}
