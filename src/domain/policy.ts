// Access policy: who may request and approve, and per role and per customer what a request needs. Pure.
import { isPrivilegedRole, PRIVILEGED_ROLES } from './role-catalog';

export interface RoleRule {
  /** No request for this role (on this customer) is accepted. */
  readonly forbidden?: boolean;
  /** Distinct approvals needed. */
  readonly approvals?: number;
  /** Longest access that may be granted, in hours (time-bound requests). */
  readonly maxDurationHours?: number;
  readonly justificationRequired?: boolean;
}

export interface CustomerRule extends RoleRule {
  /** Per-role rules for this customer, by Azure role name. */
  readonly roles?: Readonly<Record<string, RoleRule>>;
}

export interface Principals {
  /** Entra object ids in the partner tenant. */
  readonly users: readonly string[];
  /** Entra group ids in the partner tenant; members (direct or nested) qualify. */
  readonly groups: readonly string[];
}

export interface AccessPolicy {
  /** Empty users and groups: any user of the partner tenant may request. */
  readonly requesters: Principals;
  /** Added to APPROVERS. */
  readonly approvers: Principals;
  readonly defaults: Required<Omit<RoleRule, 'maxDurationHours'>> & Pick<RoleRule, 'maxDurationHours'>;
  /** By Azure role name (case-insensitive). */
  readonly roles: Readonly<Record<string, RoleRule>>;
  /** By customer tenant id or company name (case-insensitive). */
  readonly customers: Readonly<Record<string, CustomerRule>>;
}

export interface EffectiveRule {
  readonly forbidden: boolean;
  readonly approvals: number;
  readonly maxDurationHours?: number;
  readonly justificationRequired: boolean;
}

const lookup = <T>(table: Readonly<Record<string, T>> | undefined, ...keys: string[]): T | undefined => {
  if (!table) return undefined;
  const wanted = keys.map((key) => key.toLowerCase());
  const entry = Object.entries(table).find(([name]) => wanted.includes(name.toLowerCase()));
  return entry?.[1];
};

/** The rule the policy file writes for one role on one customer: customer-and-role beats customer beats role beats defaults. */
function writtenRule(policy: AccessPolicy, roleName: string, customer: { tenantId: string; name: string }): EffectiveRule {
  const customerRule = lookup(policy.customers, customer.tenantId, customer.name);
  const layers: RoleRule[] = [policy.defaults, lookup(policy.roles, roleName) ?? {}, customerRule ?? {}, lookup(customerRule?.roles, roleName) ?? {}];
  const pick = <K extends keyof RoleRule>(key: K): RoleRule[K] => layers.reduce<RoleRule[K]>((value, layer) => (layer[key] !== undefined ? layer[key] : value), undefined);
  const maxDurationHours = pick('maxDurationHours');
  return {
    forbidden: pick('forbidden') ?? false,
    approvals: Math.max(1, pick('approvals') ?? 1),
    ...(maxDurationHours !== undefined ? { maxDurationHours } : {}),
    justificationRequired: pick('justificationRequired') ?? false,
  };
}

/** The strictest of several rules: forbidden or justified if any is, the most approvals, the shortest maximum. */
function strictest(rules: readonly EffectiveRule[]): EffectiveRule {
  const durations = rules.flatMap((rule) => (rule.maxDurationHours !== undefined ? [rule.maxDurationHours] : []));
  return {
    forbidden: rules.some((rule) => rule.forbidden),
    approvals: Math.max(1, ...rules.map((rule) => rule.approvals)),
    ...(durations.length ? { maxDurationHours: Math.min(...durations) } : {}),
    justificationRequired: rules.some((rule) => rule.justificationRequired),
  };
}

/** A role as a request names it: its Azure name, and whether its permissions hand out access (see access-management.ts). */
export type PolicyRole = string | { readonly name: string; readonly managesAccess?: boolean };

/**
 * The rule for one role on one customer: customer-and-role beats customer beats role beats defaults. A role that hands
 * out access (a privileged built-in, or any role whose permissions manage access) is held to the privileged built-ins'
 * rules on that customer, so that a custom role cannot be Owner in all but name: if the file names it (for everyone or
 * for this customer), its own rule applies but with at least the approvals those roles need; if not, the strictest of
 * their rules applies.
 */
export function ruleFor(policy: AccessPolicy, role: PolicyRole, customer: { tenantId: string; name: string }): EffectiveRule {
  const named = typeof role === 'string' ? { name: role } : role;
  const written = writtenRule(policy, named.name, customer);
  if (!isPrivilegedRole(named)) return written;
  const privileged = strictest([...PRIVILEGED_ROLES].map((name) => writtenRule(policy, name, customer)));
  const customerRule = lookup(policy.customers, customer.tenantId, customer.name);
  const namedInFile = lookup(policy.roles, named.name) !== undefined || lookup(customerRule?.roles, named.name) !== undefined;
  return namedInFile ? { ...written, approvals: Math.max(written.approvals, privileged.approvals) } : privileged;
}

/** The policy when no file is given: anyone in the partner tenant requests; Owner and access admins need two. */
export const DEFAULT_POLICY: AccessPolicy = {
  requesters: { users: [], groups: [] },
  approvers: { users: [], groups: [] },
  defaults: { forbidden: false, approvals: 1, justificationRequired: false },
  roles: {
    Owner: { approvals: 2 },
    'User Access Administrator': { approvals: 2 },
    'Role Based Access Control Administrator': { approvals: 2 },
  },
  customers: {},
};
