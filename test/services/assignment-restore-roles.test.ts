// A deleted GDAP access assignment is given back with GDAP_ROLES only, never every role the relationship holds (a
// relationship may hold Global Administrator, which nobody configured the bot to hand out), and not at all when the
// relationship holds none of them: then nothing is created and the approvers are told, once.
import { DEFAULT_GDAP_ROLES } from '../../src/services/relationships';
import { ENTRA_ROLES } from '../../src/services/readiness-gdap';
import { approved, AZURE_MANAGERS, contosoRelationship, partnerAdminDeletesAssignment, startWorld, type World } from './removal-support';

describe('a deleted access assignment is given back with GDAP_ROLES only', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => w.stop());

  const posted = () => w.sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/accessAssignments'));

  /** Contoso's relationship holds `roles` (and our assignment gave Azure Managers all of them) until a partner admin deletes it. */
  const contosoHolds = async (roles: readonly string[]) => {
    const relationship = contosoRelationship(w);
    if (!relationship) throw new Error('Contoso has no active relationship in the seed');
    relationship.roles = [...roles];
    for (const assignment of relationship.accessAssignments) assignment.roles = [...roles];
    await partnerAdminDeletesAssignment(w);
    return relationship;
  };

  /** A request of Sam's for Contoso waits; the watcher's rounds (readiness, which gives assignments back). */
  const watcherRuns = async (rounds: number) => {
    await approved(w, { state: 'awaiting_relationship', approvals: [], relationship: { mode: 'gdap', since: new Date().toISOString() } });
    for (let i = 0; i < rounds; i++) await w.watcher.pollNow();
  };

  it('when the relationship holds Global Administrator and Directory Readers, then the assignment given back holds Directory Readers only', async () => {
    // Arrange: GDAP_ROLES is Directory Readers + Cloud Application Administrator; the relationship holds GA + Directory Readers
    expect(DEFAULT_GDAP_ROLES).toContain(ENTRA_ROLES.directoryReaders);
    const relationship = await contosoHolds([ENTRA_ROLES.globalAdministrator, ENTRA_ROLES.directoryReaders]);

    // Act
    await watcherRuns(1);

    // Assert: one POST, and Azure Managers' live assignment in the sandbox holds Directory Readers and nothing else
    expect(posted()).toHaveLength(1);
    const live = relationship.accessAssignments.filter((a) => a.groupId === AZURE_MANAGERS && !['deleting', 'deleted'].includes(a.status));
    expect(live.map((a) => a.roles)).toEqual([[ENTRA_ROLES.directoryReaders]]);
  });

  it('when the relationship holds none of GDAP_ROLES, then no assignment is created and the approvers are told once', async () => {
    // Arrange: the relationship holds Global Administrator and Global Reader, neither in GDAP_ROLES
    const relationship = await contosoHolds([ENTRA_ROLES.globalAdministrator, ENTRA_ROLES.globalReader]);

    // Act: two rounds of the watcher (and a day has not passed)
    await watcherRuns(2);

    // Assert: nothing asked of Graph, nothing live for Azure Managers; the approvers read it once (EN and FR: one message)
    expect(posted()).toHaveLength(0);
    expect(relationship.accessAssignments.filter((a) => !['deleting', 'deleted'].includes(a.status))).toEqual([]);
    expect(w.told.approvers).toEqual([
      expect.stringMatching(/^Action needed for Contoso .* A partner admin must add an access assignment for the security group "Litware Azure Managers" .* with the Global Reader role/),
      expect.stringMatching(/^Action requise pour Contoso .* une attribution d'accès pour le groupe de sécurité .*Litware Azure Managers.* avec le rôle Global Reader/),
    ]);
  });

  it('when the relationship holds no role that reads the directory, then the approvers are told the customer must approve a relationship that does (an assignment could not give one)', async () => {
    // Arrange: Exchange Administrator only
    await contosoHolds(['29232cdf-9323-42fd-ade2-1d097af3e4de']);

    // Act
    await watcherRuns(2);

    // Assert: not "add an access assignment … Directory Readers", which Graph would refuse for this relationship
    expect(posted()).toHaveLength(0);
    expect(w.told.approvers).toEqual([
      expect.stringMatching(/^Action needed for Contoso .*Contoso must approve a GDAP relationship that includes Directory Readers/),
      expect.stringMatching(/^Action requise pour Contoso .*/),
    ]);
    expect(w.told.approvers.join(' ')).not.toMatch(/add an access assignment/);
  });
});
