// What the partner's GDAP relationships with one customer give the bot's account: pure reading of Graph's answers.
import type { GdapAccessAssignment, GdapRelationship } from './relationships-ports';

/** Microsoft Entra role template ids (the same in every tenant). */
export const ENTRA_ROLES = {
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
} as const;

/** Roles that may read the customer's users (Partner Center "DAP API impact": GetCustomerUsers). */
export const DIRECTORY_READING_ROLES: ReadonlySet<string> = new Set([ENTRA_ROLES.directoryReaders, ENTRA_ROLES.globalReader, ENTRA_ROLES.userAdministrator, ENTRA_ROLES.globalAdministrator]);

/** Roles that may consent the bot's app in the customer's tenant through Partner Center `applicationconsents`. */
export const APP_CONSENTING_ROLES: ReadonlySet<string> = new Set([ENTRA_ROLES.cloudApplicationAdministrator, ENTRA_ROLES.applicationAdministrator, ENTRA_ROLES.globalAdministrator]);

/** Relationship statuses that still wait for the customer (a request we can send again rather than open another). */
const PENDING = new Set(['created', 'approvalpending']);
/** Access assignments that are gone or going: they give nothing and do not stand in the way of a new one. */
export const SPENT_ASSIGNMENT = new Set(['deleting', 'deleted', 'error']);

export interface GdapFacts {
  readonly relationships: readonly GdapRelationship[];
  /** Access assignments of each active relationship, by relationship id. */
  readonly assignments: ReadonlyMap<string, readonly GdapAccessAssignment[]>;
  /** Groups (among the assignments') the signed-in account is in; undefined when Graph could not say. */
  readonly accountGroups: readonly string[] | undefined;
  /** GDAP_SECURITY_GROUPS, lower case. */
  readonly configuredGroups: readonly string[];
}

export type GdapVerdict =
  /** No active relationship: the customer has a relationship to accept (maybe one already waits). */
  | { readonly kind: 'none'; readonly pendingRelationshipId?: string }
  /** Active relationship(s), but no active access assignment reaches the bot's account; what the relationships hold. */
  | { readonly kind: 'no_group'; readonly relationshipRoles: ReadonlySet<string> }
  /** Roles reaching the account: the roles, through which groups, and what the relationships hold at all. */
  | { readonly kind: 'roles'; readonly roles: ReadonlySet<string>; readonly groups: readonly string[]; readonly relationshipRoles: ReadonlySet<string> };

const lower = (id: string): string => id.toLowerCase();

/** Every group an active assignment of an active relationship names: what to ask Graph the account's membership of. */
export function assignmentGroups(facts: Pick<GdapFacts, 'assignments'>): string[] {
  const groups = new Set<string>();
  for (const list of facts.assignments.values()) for (const a of list) if (a.status.toLowerCase() === 'active') groups.add(lower(a.groupId));
  return [...groups];
}

/**
 * The roles the bot's account holds in the customer through GDAP: those of active assignments (of active
 * relationships) to a group the account is in. When Graph cannot say which groups hold the account, the configured
 * groups are taken (or every assigned group, with none configured); the directory read that follows confirms it.
 */
export function readGdap(facts: GdapFacts): GdapVerdict {
  const active = facts.relationships.filter((r) => r.status.toLowerCase() === 'active');
  if (active.length === 0) {
    const pending = facts.relationships.find((r) => r.status.toLowerCase() === 'approvalpending') ?? facts.relationships.find((r) => PENDING.has(r.status.toLowerCase()));
    return pending ? { kind: 'none', pendingRelationshipId: pending.id } : { kind: 'none' };
  }
  const assigned = assignmentGroups(facts);
  const configured = facts.configuredGroups.map(lower);
  const reaching = new Set(facts.accountGroups?.map(lower) ?? (configured.length > 0 ? assigned.filter((g) => configured.includes(g)) : assigned));
  const roles = new Set<string>();
  const groups = new Set<string>();
  const relationshipRoles = new Set<string>();
  for (const relationship of active) {
    for (const role of relationship.roleDefinitionIds) relationshipRoles.add(lower(role));
    for (const assignment of facts.assignments.get(relationship.id) ?? []) {
      if (assignment.status.toLowerCase() !== 'active' || !reaching.has(lower(assignment.groupId))) continue;
      groups.add(lower(assignment.groupId));
      for (const role of assignment.roleDefinitionIds) roles.add(lower(role));
    }
  }
  if (roles.size === 0) return { kind: 'no_group', relationshipRoles };
  return { kind: 'roles', roles, groups: [...groups], relationshipRoles };
}

/** The directory-reading role an access assignment could give, least privileged first; undefined: none is held. */
export function leastDirectoryRole(relationshipRoles: ReadonlySet<string>): string | undefined {
  return [ENTRA_ROLES.directoryReaders, ENTRA_ROLES.globalReader, ENTRA_ROLES.userAdministrator, ENTRA_ROLES.globalAdministrator].find((role) => relationshipRoles.has(role));
}

export const readsDirectory = (roles: ReadonlySet<string>): boolean => [...roles].some((r) => DIRECTORY_READING_ROLES.has(r));
export const mayConsentApps = (roles: ReadonlySet<string>): boolean => [...roles].some((r) => APP_CONSENTING_ROLES.has(r));
