// What GDAP gives the bot's account, read from Microsoft's published relationship and access-assignment payloads.
import assignments from '../fixtures/microsoft-apis/graph-gdap/list_delegatedadminaccessassignment.response-200.json';
import relationships from '../fixtures/microsoft-apis/graph-gdap/list_delegatedadminrelationship.response-200.json';
import { readGdap, readsDirectory, type GdapFacts } from '../../src/services/readiness-gdap';
import type { GdapAccessAssignment, GdapRelationship } from '../../src/services/relationships-ports';

const rolesOf = (details: { unifiedRoles: { roleDefinitionId: string }[] }) => details.unifiedRoles.map((r) => r.roleDefinitionId);
/** The published list, as the gateway maps it. */
const published: GdapRelationship[] = relationships.value.map((r) => ({ id: r.id, status: r.status, displayName: r.displayName, customerTenantId: r.customer.tenantId, roleDefinitionIds: rolesOf(r.accessDetails) }));
const [active, terminated, pendingReseller] = published;
const publishedAssignments: GdapAccessAssignment[] = assignments.value.map((a) => ({ id: a.id, status: a.status, groupId: a.accessContainer.accessContainerId, roleDefinitionIds: rolesOf(a.accessDetails) }));
const DIRECTORY_READERS_GROUP = '227a2f44-2682-4831-a021-f8d69a34bcba';
const OTHER_GROUP = '869713c9-0b28-4d08-8949-ae07ae1bf528';

const facts = (over: Partial<GdapFacts>): GdapFacts => ({
  relationships: [active, terminated, pendingReseller].filter((r): r is GdapRelationship => r !== undefined),
  assignments: new Map([[active?.id ?? '', publishedAssignments]]),
  accountGroups: undefined,
  configuredGroups: [],
  ...over,
});

describe('readGdap on Microsoft\'s published payloads', () => {
  it('when the account is in the group holding Directory Readers, then its roles read the directory', () => {
    const verdict = readGdap(facts({ accountGroups: [DIRECTORY_READERS_GROUP] }));
    expect(verdict).toMatchObject({ kind: 'roles', groups: [DIRECTORY_READERS_GROUP] });
    expect(verdict.kind === 'roles' && readsDirectory(verdict.roles)).toBe(true);
  });

  it('when the account is in no assigned group, then no role reaches it', () => {
    expect(readGdap(facts({ accountGroups: [] }))).toMatchObject({ kind: 'no_group' });
  });

  it('when Graph cannot say which groups hold the account, then the configured group is taken (here the one with Global Reader)', () => {
    const verdict = readGdap(facts({ configuredGroups: [OTHER_GROUP] }));
    expect(verdict).toMatchObject({ kind: 'roles', groups: [OTHER_GROUP] });
    expect(verdict.kind === 'roles' && [...verdict.roles].includes('f2ef992c-3afb-46b9-b7cf-a126ee74c451')).toBe(true);
  });

  it('when only terminated and pending relationships are left, then there is none, and the pending one is named for the invitation', () => {
    const verdict = readGdap(facts({ relationships: [terminated, pendingReseller].filter((r): r is GdapRelationship => r !== undefined), assignments: new Map() }));
    expect(verdict).toEqual({ kind: 'none', pendingRelationshipId: pendingReseller?.id });
  });

  it('when an assignment is not active (pending, deleted), then it gives nothing', () => {
    const pending = publishedAssignments.map((a) => ({ ...a, status: 'pending' }));
    expect(readGdap(facts({ assignments: new Map([[active?.id ?? '', pending]]) }))).toMatchObject({ kind: 'no_group' });
  });
});
