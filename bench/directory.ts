// The generated partner directory the benchmarks run against, behind in-memory gateways that answer like the real APIs.
import { principalId, subscriptionId, tenantId, type TenantId } from '../src/domain/ids';
import type { AzureRbacGateway, AzureSubscription, Customer, DirectoryGateway, DirectoryUser, PartnerCenterGateway, RoleDefinition } from '../src/services/ports';

/** A small deterministic PRNG so every run measures the same directory and the same requests. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const ADJ = ['Blue', 'Northern', 'Alpine', 'Coastal', 'Silver', 'Golden', 'Green', 'Royal', 'Urban', 'Pacific', 'Atlas', 'Summit', 'Rapid', 'Bright', 'Lunar', 'Solar', 'Iron', 'Cedar', 'Maple', 'Harbor'];
const NOUN = ['Logistics', 'Pharma', 'Foods', 'Energy', 'Textiles', 'Robotics', 'Media', 'Finance', 'Health', 'Motors', 'Labs', 'Retail', 'Systems', 'Farms', 'Travel', 'Insurance', 'Studios', 'Mining', 'Telecom', 'Water'];
const SUFFIX = ['Ltd', 'SA', 'GmbH', 'Inc', 'Group', 'SAS', 'BV', 'AG', 'Corp', 'Partners'];
const FIRST = ['Alice', 'Bob', 'Chloé', 'David', 'Emma', 'François', 'Gina', 'Hugo', 'Inès', 'Jack', 'Karim', 'Léa', 'Marc', 'Nina', 'Oscar', 'Paul', 'Quentin', 'Rita', 'Sam', 'Tom', 'Ugo', 'Vera', 'Will', 'Xavier', 'Yara', 'Zoé'];
const LAST = ['Martin', 'Smith', 'Johnson', 'Durand', 'Lefèvre', 'Brown', 'Garcia', 'Bernard', 'Petit', 'Robert', 'Richard', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller'];
export const ENV = ['Production', 'Dev', 'Test', 'Staging', 'Sandbox'];
const ROLES = ['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'Role Based Access Control Administrator', 'Virtual Machine Contributor', 'Network Contributor', 'Storage Account Contributor', 'Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Key Vault Administrator', 'Key Vault Reader', 'Monitoring Reader', 'Monitoring Contributor', 'Billing Reader', 'Security Reader', 'Backup Operator', 'Support Request Contributor', 'Tag Contributor', 'Website Contributor'];

export interface Directory {
  customers: Customer[];
  subscriptions: Map<string, AzureSubscription[]>;
  users: Map<string, DirectoryUser[]>;
}

export function generate(userCount: number): Directory {
  const random = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const customerCount = Math.max(1, Math.round(userCount / 10));
  const customers: Customer[] = [];
  const subscriptions = new Map<string, AzureSubscription[]>();
  const users = new Map<string, DirectoryUser[]>();
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  for (let c = 0; c < customerCount; c++) {
    const name = `${pick(ADJ)} ${pick(NOUN)} ${pick(SUFFIX)} ${c}`;
    const id = tenantId(`${hex(c, 8)}-0000-4000-8000-000000000000`);
    customers.push({ id, tenantId: id, companyName: name, domain: `cust${c}.onmicrosoft.com`, relationshipToPartner: 'reseller', allowDelegatedAccess: true });
    subscriptions.set(id, ENV.map((env, s) => ({ subscriptionId: subscriptionId(`${hex(c, 8)}-5b50-4000-8000-${hex(s, 12)}`), displayName: `${name.split(' ').slice(0, 2).join(' ')} ${env}`, status: 'active' })));
    users.set(id, []);
  }
  for (let u = 0; u < userCount; u++) {
    const customer = customers[u % customerCount] as Customer;
    const first = pick(FIRST);
    const last = pick(LAST);
    users.get(customer.id)?.push({
      id: principalId(`${hex(u, 8)}-0000-4000-8000-0000000000a1`),
      displayName: `${first} ${last}`,
      givenName: first,
      surname: last,
      userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}${u}@${customer.domain}`,
      mail: `${first.toLowerCase()}.${last.toLowerCase()}${u}@${customer.domain}`,
    });
  }
  return { customers, subscriptions, users };
}

/** In-memory gateways answering like the real APIs (Graph's startswith / eq filter on a tenant's users). */
export function gateways(directory: Directory): { partnerCenter: PartnerCenterGateway; directory: DirectoryGateway; rbac: AzureRbacGateway } {
  const roles: RoleDefinition[] = ROLES.map((roleName, i) => ({ id: `/providers/Microsoft.Authorization/roleDefinitions/${i}`, name: String(i), roleName, description: roleName, roleType: 'BuiltInRole' }));
  const starts = (value: string | undefined, text: string): boolean => value?.toLowerCase().startsWith(text) ?? false;
  return {
    partnerCenter: {
      listCustomers: async () => directory.customers,
      searchCustomersByName: async (prefix) => directory.customers.filter((c) => starts(c.companyName, prefix.toLowerCase())),
      getCustomer: async (id) => directory.customers.find((c) => c.id === id),
      listAzureSubscriptions: async (id) => directory.subscriptions.get(id) ?? [],
      getRelationshipRequestUrl: async () => 'https://admin.microsoft.com/relationship',
      consentApplication: async () => undefined,
    },
    directory: {
      findUsers: async (tenant: TenantId, text: string) => {
        const t = text.toLowerCase();
        const all = directory.users.get(tenant) ?? [];
        if (t.includes('@')) return all.filter((u) => u.userPrincipalName.toLowerCase() === t || u.mail?.toLowerCase() === t);
        return all.filter((u) => [u.displayName, u.givenName, u.surname, u.userPrincipalName, u.mail].some((v) => starts(v, t))).slice(0, 50);
      },
      getUser: async () => undefined,
      listGroupUserIds: async () => [],
      memberGroups: async () => [],
      probeDirectory: async () => undefined,
    } as DirectoryGateway,
    rbac: {
      listRoleDefinitions: async () => roles,
      createRoleAssignment: async () => ({ ok: false, code: 'Other', message: 'bench' }),
      getRoleAssignment: async () => undefined,
      listRoleAssignments: async () => [],
      deleteRoleAssignment: async () => false,
      canAssignRoles: async () => 'allowed',
    },
  };
}


export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
