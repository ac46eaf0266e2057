// The sandbox cloud's live state: customers, directories (users, groups), subscriptions, role definitions and assignments.
import type { SandboxSeed, SeedCustomer, SeedGdapRelationship, SeedGroup, SeedRoleDefinition, SeedUser } from './seed';

/** Microsoft Entra role template id of Global Administrator (what DAP gave the partner's Admin Agents). */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';

export interface StoredRoleAssignment {
  /** Lower-case GUID. */
  name: string;
  /** Normalised scope: /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{rg}. */
  scope: string;
  /** Lower-case role definition GUID. */
  roleDefinitionName: string;
  principalId: string;
  principalType: string;
  description: string | null;
  /** An ABAC condition (conditionVersion "2.0") that limits what this assignment allows; absent or null: none. */
  condition?: string | null;
  conditionVersion?: string | null;
  createdOn: string;
  updatedOn: string;
  createdBy: string | null;
  updatedBy: string | null;
}

/** A GDAP access assignment: a partner security group holds these Entra roles in the customer once it is `active`. */
export interface GdapAccessAssignment {
  id: string;
  groupId: string;
  roles: string[];
  status: 'pending' | 'active' | 'deleting' | 'deleted' | 'error';
  createdDateTime: string;
  lastModifiedDateTime: string;
  /** When a `pending` assignment becomes `active` (epoch ms): Microsoft activates it asynchronously. */
  activatesAt?: number;
}

/** A GDAP delegatedAdminRelationship as the sandbox keeps it (seeded or created through Graph). */
export interface GdapRelationship extends Omit<SeedGdapRelationship, 'accessAssignments'> {
  customerDisplayName: string;
  lastModifiedDateTime: string;
  accessAssignments: GdapAccessAssignment[];
}

export interface SandboxStateOptions {
  /** How long a new GDAP access assignment stays `pending` (default 0: active from the next request on). */
  accessAssignmentActivationMs?: number;
}

export interface SubscriptionLocation {
  customer: SeedCustomer;
  subscription: SeedCustomer['azureSubscriptions'][number];
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Mutable, inspectable state; everything a request changes stays until the server stops. */
export class SandboxState {
  readonly partner: SandboxSeed['partner'];
  readonly customers: SeedCustomer[];
  readonly users: SeedUser[];
  readonly groups: SeedGroup[];
  readonly roleDefinitions: SeedRoleDefinition[];
  readonly roleAssignments: StoredRoleAssignment[];
  /** GDAP relationships (seeded and created through Graph) with their access assignments. */
  readonly gdapRelationships: GdapRelationship[];
  /** How long a new GDAP access assignment stays `pending`; tests may change it while the sandbox runs. */
  accessAssignmentActivationMs: number;
  /** Entra ID: app registrations, service principals per tenant, the SAM account. */
  readonly entra: SandboxSeed['entra'];

  constructor(seed: SandboxSeed, options: SandboxStateOptions = {}) {
    const copy = structuredClone(seed);
    this.accessAssignmentActivationMs = options.accessAssignmentActivationMs ?? 0;
    this.gdapRelationships = copy.gdapRelationships.map((r) => ({
      ...r,
      customerDisplayName: copy.customers.find((c) => same(c.id, r.customerTenantId))?.companyName ?? r.customerTenantId,
      lastModifiedDateTime: r.activatedDateTime ?? r.createdDateTime,
      accessAssignments: r.accessAssignments.map((a) => ({ ...a, createdDateTime: r.activatedDateTime ?? r.createdDateTime, lastModifiedDateTime: r.activatedDateTime ?? r.createdDateTime })),
    }));
    this.entra = copy.entra;
    this.partner = copy.partner;
    this.customers = copy.customers;
    this.users = copy.users;
    this.groups = copy.groups;
    this.roleDefinitions = copy.roleDefinitions;
    this.roleAssignments = copy.roleAssignments.map((a) => ({
      name: a.name.toLowerCase(),
      scope: a.scope,
      roleDefinitionName: a.roleDefinitionName.toLowerCase(),
      principalId: a.principalId.toLowerCase(),
      principalType: a.principalType,
      description: a.description,
      condition: a.condition,
      conditionVersion: a.conditionVersion,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy,
      updatedBy: a.createdBy,
    }));
  }

  customer(id: string): SeedCustomer | undefined {
    return this.customers.find((c) => same(c.id, id));
  }

  /** Grants or withdraws legacy DAP (Global Administrator for Admin Agents): a test switch, since Microsoft grants no new DAP. */
  setDelegatedAccess(customerId: string, allowDelegatedAccess: boolean): boolean {
    const customer = this.customer(customerId);
    if (!customer) return false;
    customer.allowDelegatedAccess = allowDelegatedAccess;
    return true;
  }

  findSubscription(subscriptionId: string): SubscriptionLocation | undefined {
    for (const customer of this.customers) {
      const subscription = customer.azureSubscriptions.find((s) => same(s.subscriptionId, subscriptionId));
      if (subscription) return { customer, subscription };
    }
    return undefined;
  }

  /** Users of one tenant, or of every tenant when `tenantId` is undefined. */
  usersOf(tenantId: string | undefined): SeedUser[] {
    return tenantId === undefined ? this.users : this.users.filter((u) => same(u.tenantId, tenantId));
  }

  /** A group of one tenant (any tenant when `tenantId` is undefined), by id. */
  findGroup(tenantId: string | undefined, groupId: string): SeedGroup | undefined {
    return this.groups.find((g) => same(g.id, groupId) && (tenantId === undefined || same(g.tenantId, tenantId)));
  }

  /** The users of a group, direct or through nested groups, each once, in discovery order (cycles are tolerated). */
  transitiveUsers(group: SeedGroup): SeedUser[] {
    const users = new Map<string, SeedUser>();
    const visited = new Set<string>();
    const visit = (g: SeedGroup): void => {
      if (visited.has(g.id.toLowerCase())) return;
      visited.add(g.id.toLowerCase());
      for (const member of g.members) {
        const user = this.users.find((u) => same(u.id, member));
        if (user) users.set(user.id.toLowerCase(), user);
        const nested = this.findGroup(g.tenantId, member);
        if (nested) visit(nested);
      }
    };
    visit(group);
    return [...users.values()];
  }

  /** Whether `objectId` (a user or group) is `groupId` or a member of it, directly or through nested groups. */
  isTransitiveMember(groupId: string, objectId: string): boolean {
    const visited = new Set<string>();
    const visit = (id: string): boolean => {
      if (same(id, objectId)) return true;
      if (visited.has(id.toLowerCase())) return false;
      visited.add(id.toLowerCase());
      const group = this.findGroup(undefined, id);
      return group ? group.members.some((member) => visit(member)) : false;
    };
    return visit(groupId);
  }

  /**
   * The Microsoft Entra roles (template ids) partner user `userId` holds in customer tenant `customerTenantId`: through
   * each active GDAP relationship's active access assignments to a group that (transitively) holds the user; else, for
   * a customer with legacy DAP (allowDelegatedAccess), Global Administrator for members of the partner's Admin Agents.
   */
  partnerRolesIn(userId: string, customerTenantId: string): Set<string> {
    this.settleAccessAssignments();
    const roles = new Set<string>();
    for (const relationship of this.gdapRelationships) {
      if (!same(relationship.customerTenantId, customerTenantId) || relationship.status !== 'active') continue;
      for (const assignment of relationship.accessAssignments) {
        if (assignment.status !== 'active' || !this.isTransitiveMember(assignment.groupId, userId)) continue;
        for (const role of assignment.roles) roles.add(role.toLowerCase());
      }
    }
    // "GDAP takes precedence over DAP": a user with a GDAP role there gets only GDAP's roles (PC-mirror gdap-faq.md).
    if (roles.size === 0 && this.customer(customerTenantId)?.allowDelegatedAccess && this.isTransitiveMember(this.partner.adminAgentsGroupId, userId)) {
      roles.add(GLOBAL_ADMINISTRATOR_ROLE);
    }
    return roles;
  }

  /** Activates the pending GDAP access assignments whose time has come (Microsoft does it asynchronously). */
  settleAccessAssignments(now = Date.now()): void {
    for (const relationship of this.gdapRelationships) {
      for (const assignment of relationship.accessAssignments) {
        if (assignment.status !== 'pending' || assignment.activatesAt === undefined || assignment.activatesAt > now) continue;
        assignment.status = 'active';
        assignment.lastModifiedDateTime = new Date(Math.max(now, assignment.activatesAt)).toISOString();
        delete assignment.activatesAt;
      }
    }
  }

  /** The app's service principal in `tenantId` (it exists where the app was consented); undefined when not there. */
  servicePrincipal(appId: string, tenantId: string): SandboxSeed['entra']['servicePrincipals'][number] | undefined {
    return this.entra.servicePrincipals.find((sp) => same(sp.appId, appId) && same(sp.tenantId, tenantId));
  }

  /** Role definitions assignable at a scope under `subscriptionId` (built-ins everywhere, custom roles where listed). */
  roleDefinitionsFor(subscriptionId: string): SeedRoleDefinition[] {
    const subscriptionScope = `/subscriptions/${subscriptionId}`.toLowerCase();
    return this.roleDefinitions.filter((r) =>
      r.assignableScopes.some((s) => s === '/' || subscriptionScope.startsWith(s.toLowerCase())),
    );
  }

  findAssignment(scope: string, name: string): StoredRoleAssignment | undefined {
    return this.roleAssignments.find((a) => same(a.scope, scope) && same(a.name, name));
  }

  removeAssignment(assignment: StoredRoleAssignment): void {
    const index = this.roleAssignments.indexOf(assignment);
    if (index >= 0) this.roleAssignments.splice(index, 1);
  }

  /** A plain snapshot, as served by GET /_sandbox/state. */
  snapshot(): Record<string, unknown> {
    return {
      partner: this.partner,
      customers: this.customers,
      users: this.users,
      groups: this.groups,
      roleDefinitions: this.roleDefinitions,
      roleAssignments: this.roleAssignments,
      gdapRelationships: this.gdapRelationships,
      entra: { apps: this.entra.apps.map((a) => ({ appId: a.appId, displayName: a.displayName, tenantId: a.tenantId })), servicePrincipals: this.entra.servicePrincipals, serviceAccountId: this.entra.serviceAccountId },
    };
  }
}
