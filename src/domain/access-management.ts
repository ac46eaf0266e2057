// Whether an Azure role hands out access (writes role assignments), read from its permissions rather than its name. Pure.

/** One entry of an ARM role definition's `properties.permissions` (common-types `Permission`). */
export interface RolePermission {
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly dataActions?: readonly string[];
  readonly notDataActions?: readonly string[];
}

/**
 * The control-plane actions that let a holder give access to others or to themselves: assign a role, change a role's
 * definition (widen a role one already holds), request a PIM assignment or eligibility, or elevate to User Access
 * Administrator at the root. Data actions never manage access, so they are not looked at.
 */
export const ACCESS_MANAGEMENT_ACTIONS: readonly string[] = [
  'Microsoft.Authorization/roleAssignments/write',
  'Microsoft.Authorization/roleDefinitions/write',
  'Microsoft.Authorization/roleAssignmentScheduleRequests/write',
  'Microsoft.Authorization/roleEligibilityScheduleRequests/write',
  'Microsoft.Authorization/elevateAccess/Action',
];

/**
 * Azure RBAC's wildcard match: `*` stands for any run of characters (none included), case ignored. Done without a
 * regular expression on purpose: the pattern comes from a customer's custom role, and a pattern of many stars would
 * make a backtracking regex slow; greedy matching of the pieces between stars is exact for `*`-only globs.
 */
export function actionMatches(pattern: string, action: string): boolean {
  const pieces = pattern.toLowerCase().split('*');
  const text = action.toLowerCase();
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** Whether one permission entry allows `action`: its actions match it and its own notActions do not. */
export const entryAllows = (entry: RolePermission, action: string): boolean =>
  (entry.actions ?? []).some((a) => actionMatches(a, action)) && !(entry.notActions ?? []).some((n) => actionMatches(n, action));

/**
 * Whether a role with these permissions may hand out access: some entry allows one of ACCESS_MANAGEMENT_ACTIONS.
 * NotActions subtract within their own entry only (Azure RBAC), so every action minus every write under
 * Microsoft.Authorization (Contributor) does not, while every action alone, or all of Microsoft.Authorization, does.
 */
export function grantsAccessManagement(permissions: readonly RolePermission[]): boolean {
  return permissions.some((entry) => ACCESS_MANAGEMENT_ACTIONS.some((action) => entryAllows(entry, action)));
}
