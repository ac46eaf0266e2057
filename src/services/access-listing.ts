// "Who has access to Contoso prod?": the role assignments in force at a scope, with people's names and the bot's part.
import type { AccessRequest } from '../domain/access-request';
import { principalId, roleDefinitionGuid, type TenantId } from '../domain/ids';
import type { RequestRepository } from '../store/ports';
import type { AzureRbacGateway, DirectoryGateway, DirectoryUser, RoleDefinition } from './ports';
import type { ResolvedScope } from './intake';

export interface AccessRow {
  readonly principalId: string;
  readonly principalName: string;
  readonly userPrincipalName?: string;
  readonly principalType: string;
  readonly role: string;
  /** The assignment's own scope when it is above (inherited) or is a resource group. */
  readonly scope: string;
  readonly inherited: boolean;
  /** The bot's request that granted it, if any. */
  readonly grantedBy?: { readonly requestId: string; readonly requester: string; readonly approvers: readonly string[] };
}

export interface AccessListing extends ResolvedScope {
  readonly rows: readonly AccessRow[];
}

export class AccessListingService {
  constructor(private readonly deps: { rbac: AzureRbacGateway; directory: DirectoryGateway; requests: RequestRepository }) {}

  async list(target: ResolvedScope, filter: { user?: DirectoryUser; role?: RoleDefinition } = {}): Promise<AccessListing> {
    const tenant = target.customer.tenantId as TenantId;
    const [assignments, roles] = await Promise.all([
      this.deps.rbac.listRoleAssignments(tenant, target.scope),
      this.deps.rbac.listRoleDefinitions(tenant, target.subscription.subscriptionId),
    ]);
    const roleNames = new Map(roles.map((role) => [roleDefinitionGuid(role.id), role.roleName]));
    const scope = target.scope.toLowerCase();
    // In force at the scope: assigned there or above it (inherited), not below it.
    const inForce = assignments
      .filter((a) => scope === a.scope.toLowerCase() || scope.startsWith(`${a.scope.toLowerCase()}/`))
      .filter((a) => !filter.user || a.principalId.toLowerCase() === filter.user.id.toLowerCase())
      .filter((a) => !filter.role || roleDefinitionGuid(a.roleDefinitionId) === roleDefinitionGuid(filter.role.id));
    const principals = [...new Set(inForce.map((a) => a.principalId.toLowerCase()))].slice(0, 100);
    const users = new Map<string, DirectoryUser | undefined>(
      await Promise.all(principals.map(async (id) => [id, await this.deps.directory.getUser(tenant, principalId(id)).catch(() => undefined)] as const)),
    );
    const byAssignmentName = new Map<string, AccessRequest>(
      (await this.deps.requests
        .listRequests({ customerTenantId: target.customer.tenantId, subscriptionId: target.subscription.subscriptionId }))
        .filter((r) => r.state === 'active' || r.state === 'expired' || r.state === 'revoked')
        .map((r) => [r.assignmentName.toLowerCase(), r]),
    );
    const rows = inForce.map((a): AccessRow => {
      const user = users.get(a.principalId.toLowerCase());
      const request = byAssignmentName.get(a.name.toLowerCase());
      return {
        principalId: a.principalId,
        principalName: user?.displayName ?? a.principalId,
        ...(user ? { userPrincipalName: user.userPrincipalName } : {}),
        principalType: a.principalType ?? 'User',
        role: roleNames.get(roleDefinitionGuid(a.roleDefinitionId)) ?? roleDefinitionGuid(a.roleDefinitionId),
        scope: a.scope,
        inherited: a.scope.toLowerCase() !== scope,
        ...(request ? { grantedBy: { requestId: request.id, requester: request.requester.name, approvers: request.approvals.map((v) => v.by.name) } } : {}),
      };
    });
    rows.sort((x, y) => x.principalName.localeCompare(y.principalName) || x.role.localeCompare(y.role));
    return { ...target, rows };
  }
}
