// The sandbox's fictional partner, customers, directories and Azure RBAC data: schema, validation and the default seed.
import { z } from 'zod';
import defaultSeedJson from './seed.json';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().regex(GUID, 'must be a GUID');

const userSchema = z.object({
  id: guid,
  tenantId: guid,
  displayName: z.string().min(1),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  userPrincipalName: z.string().min(3),
  mail: z.string().nullable(),
  userType: z.enum(['Member', 'Guest']),
  jobTitle: z.string().nullable().default(null),
});

const azureSubscriptionSchema = z.object({
  subscriptionId: guid,
  displayName: z.string().min(1),
  state: z.enum(['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted']).default('Enabled'),
  resourceGroups: z.array(z.string().min(1)).default([]),
  tags: z.record(z.string()).default({}),
});

const customerSchema = z.object({
  id: guid,
  companyName: z.string().min(1),
  domain: z.string().min(1),
  relationshipToPartner: z.string().default('reseller'),
  allowDelegatedAccess: z.boolean(),
  /** The Partner Center subscription of the customer's Azure plan; its azureEntitlements are the Azure subscriptions. */
  azurePlan: z.object({ id: guid, friendlyName: z.string().default('Azure plan') }),
  /** Other (non-Azure) Partner Center subscriptions, so that callers must pick the Azure plan out. */
  otherSubscriptions: z
    .array(z.object({ id: guid, offerId: z.string(), offerName: z.string(), productType: z.string() }))
    .default([]),
  azureSubscriptions: z.array(azureSubscriptionSchema),
});

const permissionSchema = z.object({
  actions: z.array(z.string()),
  notActions: z.array(z.string()).default([]),
  dataActions: z.array(z.string()).default([]),
  notDataActions: z.array(z.string()).default([]),
});

const roleDefinitionSchema = z.object({
  name: guid,
  roleName: z.string().min(1),
  roleType: z.enum(['BuiltInRole', 'CustomRole']),
  description: z.string(),
  /** "/" for built-in roles (every subscription); subscription scopes for custom roles. */
  assignableScopes: z.array(z.string()).min(1),
  permissions: z.array(permissionSchema),
});

/** An Entra security group; `members` are user ids or (nested) group ids of the same tenant. */
const groupSchema = z.object({
  id: guid,
  tenantId: guid,
  displayName: z.string().min(1),
  members: z.array(guid).default([]),
});

const roleAssignmentSchema = z.object({
  name: guid,
  scope: z.string().startsWith('/subscriptions/'),
  roleDefinitionName: guid,
  principalId: guid,
  /** ForeignGroup: a group of the partner's tenant (Admin Agents' "AOBO" Owner on Azure plan subscriptions). */
  principalType: z.enum(['User', 'Group', 'ServicePrincipal', 'ForeignGroup']),
  createdOn: z.string(),
  createdBy: guid.nullable().default(null),
  description: z.string().nullable().default(null),
  /** An ABAC condition limiting the assignment (e.g. which roles an RBAC Administrator may assign), version "2.0". */
  condition: z.string().nullable().default(null),
  conditionVersion: z.literal('2.0').nullable().default(null),
});

const gdapStatus = z.enum(['created', 'approvalPending', 'active', 'terminationRequested', 'terminating', 'terminated', 'expired']);

/** A GDAP delegatedAdminRelationship of the partner with one customer, and its access assignments to partner groups. */
const gdapRelationshipSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().min(1).max(50),
  customerTenantId: guid,
  status: gdapStatus,
  duration: z.string().regex(/^P\d+D$/),
  createdDateTime: z.string(),
  activatedDateTime: z.string().nullable().default(null),
  endDateTime: z.string().nullable().default(null),
  autoExtendDuration: z.enum(['P180D', 'PT0S']).default('PT0S'),
  /** Microsoft Entra role template ids the customer approved (accessDetails.unifiedRoles). */
  roles: z.array(guid).min(1),
  accessAssignments: z
    .array(
      z.object({
        id: z.string().min(1),
        /** A security group of the partner's tenant (accessContainer, type securityGroup). */
        groupId: guid,
        /** A subset of the relationship's roles. */
        roles: z.array(guid).min(1),
        status: z.enum(['pending', 'active', 'deleting', 'deleted', 'error']),
      }),
    )
    .default([]),
});

/** Entra ID as the sandbox plays it: app registrations, their service principals (consent) per tenant, the SAM account. */
const entraSchema = z.object({
  apps: z.array(
    z.object({
      appId: guid,
      displayName: z.string().min(1),
      /** The tenant where the app is registered. */
      tenantId: guid,
      clientSecrets: z.array(z.string().min(16)).default([]),
      /** Allows public-client flows (device code) without a secret. */
      publicClient: z.boolean().default(false),
      /** Its registered redirect (reply) URIs; the first is where admin consent returns when the request names none. */
      redirectUris: z.array(z.string().url()).default([]),
      /**
       * Its required permissions (requiredResourceAccess), Microsoft Graph's and ARM's by name: what an admin grants in a
       * tenant through the admin-consent endpoint (application permissions → appRoles, delegated → delegatedScopes).
       */
      requiredPermissions: z.object({ appRoles: z.array(z.string()).default([]), delegatedScopes: z.array(z.string()).default([]) }).default({}),
    }),
  ),
  /** An app's enterprise application in one tenant: it exists there because it was consented there. */
  servicePrincipals: z.array(
    z.object({
      appId: guid,
      tenantId: guid,
      objectId: guid,
      /** Delegated permissions granted (oauth2PermissionGrants), e.g. User.Read.All, user_impersonation. */
      delegatedScopes: z.array(z.string()).default([]),
      /** Application permissions granted (appRoleAssignments), e.g. User.Read.All. */
      appRoles: z.array(z.string()).default([]),
    }),
  ),
  /** The partner user whose refresh token the bot holds (Secure Application Model integration account). */
  serviceAccountId: guid,
  /** Partner users who sign in without MFA (their tokens' amr lacks "mfa"). */
  usersWithoutMfa: z.array(guid).default([]),
  /** Microsoft Entra roles users hold in their own tenant (role template ids), e.g. a customer's Global Administrator. */
  directoryRoleAssignments: z.array(z.object({ tenantId: guid, principalId: guid, roleDefinitionId: guid })).default([]),
});

export const sandboxSeedSchema = z
  .object({
    /** adminAgentsGroupId: the partner's Admin Agents group (Partner Center role; Owner of Azure plan subscriptions). */
    partner: z.object({ name: z.string(), tenantId: guid, partnerId: guid, domain: z.string(), adminAgentsGroupId: guid }),
    customers: z.array(customerSchema),
    users: z.array(userSchema),
    groups: z.array(groupSchema).default([]),
    roleDefinitions: z.array(roleDefinitionSchema),
    roleAssignments: z.array(roleAssignmentSchema).default([]),
    gdapRelationships: z.array(gdapRelationshipSchema).default([]),
    entra: entraSchema,
  })
  .superRefine((seed, ctx) => {
    const tenants = new Set([seed.partner.tenantId, ...seed.customers.map((c) => c.id)].map((t) => t.toLowerCase()));
    seed.users.forEach((u, i) => {
      if (!tenants.has(u.tenantId.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['users', i, 'tenantId'], message: 'unknown tenant' });
      }
    });
    const objects = new Map([...seed.users, ...seed.groups].map((o) => [o.id.toLowerCase(), o.tenantId.toLowerCase()]));
    const seen = new Set<string>();
    seed.groups.forEach((g, i) => {
      const id = g.id.toLowerCase();
      if (seen.has(id) || seed.users.some((u) => u.id.toLowerCase() === id)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groups', i, 'id'], message: 'duplicate object id' });
      }
      seen.add(id);
      if (!tenants.has(g.tenantId.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groups', i, 'tenantId'], message: 'unknown tenant' });
      }
      g.members.forEach((m, j) => {
        const memberTenant = objects.get(m.toLowerCase());
        if (memberTenant === undefined) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groups', i, 'members', j], message: 'unknown user or group' });
        } else if (memberTenant !== g.tenantId.toLowerCase() || m.toLowerCase() === id) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['groups', i, 'members', j], message: 'a member must be another object of the same tenant' });
        }
      });
    });
    const roles = new Set(seed.roleDefinitions.map((r) => r.name.toLowerCase()));
    const principals = new Set([...seed.users.map((u) => u.id), ...seed.groups.map((g) => g.id), ...seed.entra.servicePrincipals.map((sp) => sp.objectId)].map((id) => id.toLowerCase()));
    seed.roleAssignments.forEach((a, i) => {
      if (!roles.has(a.roleDefinitionName.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['roleAssignments', i, 'roleDefinitionName'], message: 'unknown role' });
      }
      if (!principals.has(a.principalId.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['roleAssignments', i, 'principalId'], message: 'unknown user, group or service principal' });
      }
    });
    seed.gdapRelationships.forEach((r, i) => {
      if (!seed.customers.some((c) => c.id.toLowerCase() === r.customerTenantId.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['gdapRelationships', i, 'customerTenantId'], message: 'unknown customer' });
      }
      r.accessAssignments.forEach((a, j) => {
        if (!seed.groups.some((g) => g.id.toLowerCase() === a.groupId.toLowerCase() && g.tenantId.toLowerCase() === seed.partner.tenantId.toLowerCase())) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['gdapRelationships', i, 'accessAssignments', j, 'groupId'], message: 'not a group of the partner tenant' });
        }
        if (a.roles.some((role) => !r.roles.map((x) => x.toLowerCase()).includes(role.toLowerCase()))) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['gdapRelationships', i, 'accessAssignments', j, 'roles'], message: "must be a subset of the relationship's roles" });
        }
      });
    });
    seed.entra.directoryRoleAssignments.forEach((a, i) => {
      if (!seed.users.some((u) => u.id.toLowerCase() === a.principalId.toLowerCase() && u.tenantId.toLowerCase() === a.tenantId.toLowerCase())) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['entra', 'directoryRoleAssignments', i, 'principalId'], message: 'not a user of that tenant' });
      }
    });
    if (!seed.users.some((u) => u.id.toLowerCase() === seed.entra.serviceAccountId.toLowerCase() && u.tenantId.toLowerCase() === seed.partner.tenantId.toLowerCase())) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['entra', 'serviceAccountId'], message: 'not a user of the partner tenant' });
    }
  });

/** A validated seed (defaults applied). */
export type SandboxSeed = z.output<typeof sandboxSeedSchema>;
/** What a seed file may contain (defaults not yet applied). */
export type SandboxSeedInput = z.input<typeof sandboxSeedSchema>;
export type SeedCustomer = SandboxSeed['customers'][number];
export type SeedUser = SandboxSeed['users'][number];
export type SeedGroup = SandboxSeed['groups'][number];
export type SeedRoleDefinition = SandboxSeed['roleDefinitions'][number];
export type SeedGdapRelationship = SandboxSeed['gdapRelationships'][number];

/** Validates seed JSON; throws a ZodError naming every bad path. */
export function parseSeed(json: unknown): SandboxSeed {
  return sandboxSeedSchema.parse(json);
}

/** The default seed (src/sandbox/seed.json): partner "Litware CSP" and its customers Contoso, Contoso Pharma, Fabrikam, Northwind Traders. */
export function loadDefaultSeed(): SandboxSeed {
  return parseSeed(structuredClone(defaultSeedJson));
}
