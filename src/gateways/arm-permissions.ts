// ARM's permissions API (what the caller may do at a scope) and Azure RBAC's rule for reading it: actions minus notActions, per role.
import { z } from 'zod';

/** The action a role assignment PUT needs. */
export const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/** One entry per role the caller holds at or above the scope (common-types `Permission`). */
export const permissionSchema = z.object({
  actions: z.array(z.string()).default([]),
  notActions: z.array(z.string()).default([]),
  dataActions: z.array(z.string()).optional(),
  notDataActions: z.array(z.string()).optional(),
});
export const permissionListSchema = z.object({ value: z.array(permissionSchema), nextLink: z.string().nullable().optional() });
export type Permission = z.infer<typeof permissionSchema>;

/** `Microsoft.Authorization/*` matches `microsoft.authorization/roleAssignments/write`: `*` is any run of characters, case ignored. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/**
 * Whether `action` is allowed: some role's actions match it and none of *that role's* notActions do. NotActions
 * subtract within a role; they deny nothing another role allows (Azure RBAC "Actions and NotActions"). Deny assignments
 * and ABAC conditions are not in this list: a conditioned RBAC Administrator reads as allowed, and the PUT decides.
 */
export function allowsAction(permissions: readonly Permission[], action: string): boolean {
  return permissions.some((p) => p.actions.some((a) => actionMatches(a, action)) && !p.notActions.some((n) => actionMatches(n, action)));
}
