// Waiting, not failing: requests for a customer that is not ready wait and go on, with the real gateways against the
// sandbox (tokens from its Entra, as the partner service account) and a real SQLite store. One GDAP relationship per
// customer; a missing GDAP_SECURITY_GROUPS said; a user named before the directory was readable looked up on resume;
// provisioning refused for a lost sign-in stays and resumes; an approved request whose GDAP access ended waits for it again.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { AccessRequest } from '../../src/domain/access-request';
import type { ReadinessGap } from '../../src/domain/readiness-gap';
import { principalId, subscriptionId, tenantId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { GraphGdapGateway } from '../../src/gateways/gdap-gateway';
import { loadPolicy } from '../../src/policy/load-policy';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import { GdapCompletion } from '../../src/services/gdap-completion';
import { ProvisioningService } from '../../src/services/provisioning';
import { ReadinessService } from '../../src/services/readiness';
import { ReadinessAlerts } from '../../src/services/readiness-alerts';
import { DEFAULT_GDAP_ROLES, RelationshipService } from '../../src/services/relationships';
import type { ReadinessNotifier, RelationshipNotifier } from '../../src/services/relationships-ports';
import { RelationshipWatcher } from '../../src/services/relationships-watcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { quietNotifier, sendingChanges } from '../support/sending-changes';
import { rawCall } from '../sandbox/raw-client';
import { makeRequest, tempStorePath } from '../store/store-fixtures';
import { sandboxUserCredential } from '../support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const NORTHWIND = { tenantId: tenantId('c0000004-0000-4000-8000-000000000004'), name: 'Northwind Traders' };
const NORTHWIND_MAIN = { id: subscriptionId('c0000004-5b50-4000-8000-000000000001'), name: 'Northwind Main' };
const NINA = 'c0000004-0000-4000-8000-0000000000f1';
const CONTOSO = { tenantId: tenantId('c0000001-0000-4000-8000-000000000001'), name: 'Contoso' };
const ALICE = principalId('c0000001-0000-4000-8000-0000000000a1');
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada' };
const DAY = 86_400_000;

interface World {
  readonly sandbox: RunningSandbox;
  readonly store: Store;
  readonly relationships: RelationshipService;
  readonly watcher: RelationshipWatcher;
  readonly provisioning: ProvisioningService;
  readonly alerts: ReadinessAlerts;
  readonly approval: ApprovalService;
  /** The service account signs in again (a new refresh token, as `npm run consent` gives). */
  signInAgain(): void;
  /** What requesters and approvers were told. */
  readonly told: { waiting: [string, ReadinessGap][]; approvers: ReadinessGap[]; signInRequired: number; signInRestored: number };
  stop(): Promise<void>;
}

async function startWorld(securityGroupIds: string[] = [AZURE_MANAGERS]): Promise<World> {
  const sandbox = await startSandbox({ port: 0 });
  const file = tempStorePath();
  const store = openSqliteStore(file.path);
  const clock = { now: () => new Date() };
  // The partner service account's App+User tokens; replaced when it signs in again.
  let account: TokenCredential = sandboxUserCredential(sandbox);
  const credential: TokenCredential = { getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => account.getToken(scopes, options) };
  const retryOptions = { maxRetries: 0 };
  const gateways = createGateways({ armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  const gdap = new GraphGdapGateway({ endpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  const told: World['told'] = { waiting: [], approvers: [], signInRequired: 0, signInRestored: 0 };
  const readinessNotifier: ReadinessNotifier = {
    gapToApprovers: async (_customer, gap) => void told.approvers.push(gap),
    signInRequired: async () => void (told.signInRequired += 1),
    signInRestored: async () => void (told.signInRestored += 1),
  };
  const alerts = new ReadinessAlerts({ notifier: readinessNotifier, clock });
  const readiness = new ReadinessService({ model: 'delegated', ...gateways, gdap, securityGroupIds, appId: sandbox.partnerApp.clientId, authorityHost: sandbox.authorityHost, clock });
  const relationshipNotifier: RelationshipNotifier = {
    invitationReady: async () => undefined,
    invitationFailed: async () => undefined,
    reminder: async () => undefined,
    accepted: async () => undefined,
    waiting: async (request, gap) => void told.waiting.push([request.id, gap]),
  };
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [ADA.id], directory: gateways.directory, partnerTenantId: PARTNER, clock });
  const { changes, sender } = sendingChanges(store, quietNotifier, relationshipNotifier);
  const approval = new ApprovalService({ requests: store.requests, changes, clock, access, approvalTtlInMs: 7 * DAY, onApproved: () => undefined });
  const settings = { duration: 'P730D', roleDefinitionIds: DEFAULT_GDAP_ROLES, approvalUrl: (id: string) => `${sandbox.url}/_sandbox/relationship/${id}` };
  const relationships = new RelationshipService({ mode: 'gdap', partnerCenter: gateways.partnerCenter, gdap, gdapSettings: settings, readiness, directory: gateways.directory, alerts, stored: store.requests, changes, clock, requests: approval });
  const completion = new GdapCompletion({ gdap, securityGroupIds, roleDefinitionIds: DEFAULT_GDAP_ROLES, changes, clock });
  const watcher = new RelationshipWatcher(
    { store: store.requests, clock, readiness, completion, relationships, requests: approval },
    { pollIntervalInMs: 1, reminderAfterInMs: 3 * DAY, expiresAfterInMs: 14 * DAY },
  );
  const provisioning = new ProvisioningService({
    requests: store.requests, changes, clock, rbac: gateways.rbac, onError: (error) => { throw error; },
    onSignInRequired: () => alerts.signInMissing(),
    readiness,
    onAccessLost: (request, gap) => alerts.accessLost(request.customer, gap, { subscription: request.subscription.name, requester: request.requester }),
  });
  alerts.onSignInRestored(() => void provisioning.resume());
  return {
    sandbox, store, relationships, watcher, provisioning, alerts, approval, told,
    signInAgain: () => {
      account = sandboxUserCredential(sandbox);
    },
    async stop() {
      await watcher.stop();
      await provisioning.idle();
      await sender.stop();
      await store.close();
      await sandbox.stop();
      file.cleanup();
    },
  };
}

let counter = 0;
async function stored(w: World, overrides: Partial<AccessRequest>): Promise<AccessRequest> {
  counter += 1;
  const at = new Date().toISOString();
  const request = makeRequest(`9b000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, { version: 1, createdAt: at, updatedAt: at, ...overrides });
  await w.store.changes.record({ request, audit: { requestId: request.id, event: 'seeded', actor: 'test', at } });
  return request;
}

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const CONTRIBUTOR = { definitionId: `${CONTOSO_PROD}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`, name: 'Contributor' };
const READER = { definitionId: `${CONTOSO_PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, name: 'Reader' };

/** A request Ada approved: `role` for Alice on Contoso's production subscription, under assignment name `name`. */
const approvedForAlice = (w: World, name: string, role = CONTRIBUTOR): Promise<AccessRequest> =>
  stored(w, {
    state: 'approved', customer: CONTOSO, principal: { id: ALICE, displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    approvals: [{ by: ADA, at: new Date().toISOString() }], role, assignmentName: name,
  });

/** A confirmed request for Northwind, waiting (its user named, not looked up: Northwind's directory is closed to us). */
const waitingForNorthwind = (w: World, name = 'Nina'): Promise<AccessRequest> =>
  stored(w, {
    state: 'awaiting_relationship',
    customer: NORTHWIND,
    subscription: NORTHWIND_MAIN,
    scope: `/subscriptions/${NORTHWIND_MAIN.id}`,
    principal: { id: principalId(''), displayName: name, userPrincipalName: '', principalType: 'User' },
    principalQuery: name,
    relationship: { mode: 'gdap', since: new Date().toISOString() },
  });

const northwindRelationships = (w: World) => w.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId.toLowerCase() === NORTHWIND.tenantId);

describe('requests that wait for their customer', () => {
  let w: World;
  afterEach(async () => w.stop());

  it('when three requests for Northwind are confirmed (two at once), then one GDAP relationship is opened and all three wait for it', async () => {
    w = await startWorld();
    const [first, second, third] = [await waitingForNorthwind(w), await waitingForNorthwind(w), await waitingForNorthwind(w)];

    await Promise.all([w.relationships.invite(first), w.relationships.invite(second)]);
    await w.relationships.invite(third);

    expect(northwindRelationships(w)).toHaveLength(1);
    expect(northwindRelationships(w)[0]?.status).toBe('approvalPending');
    const ids = await Promise.all([first, second, third].map(async (r) => (await w.store.requests.get(r.id))?.relationship?.relationshipId));
    expect(new Set(ids)).toEqual(new Set([northwindRelationships(w)[0]?.id]));
  });

  it('when the customer approves but GDAP_SECURITY_GROUPS is not set, then the request keeps waiting and the requester and approvers hear which setting is missing', async () => {
    w = await startWorld([]);
    const request = await waitingForNorthwind(w);
    await w.relationships.invite(request);
    const relationshipId = (await w.store.requests.get(request.id))?.relationship?.relationshipId ?? '';

    expect(acceptRelationship(w.sandbox.state, { relationship: relationshipId })).toBe(true);
    await w.watcher.pollNow();

    const missing: ReadinessGap = { kind: 'missing_setting', setting: 'GDAP_SECURITY_GROUPS' };
    expect((await w.store.requests.get(request.id))?.state).toBe('awaiting_relationship');
    expect((await w.store.requests.get(request.id))?.relationship?.missing).toEqual(missing);
    expect(w.told.waiting).toEqual([[request.id, missing]]);
    expect(w.told.approvers).toEqual([missing]);
    expect(w.sandbox.state.gdapRelationships.find((r) => r.id === relationshipId)?.accessAssignments ?? []).toHaveLength(0);
  });

  it('when Northwind approves the relationship, then Azure Managers get its roles, and each waiting user is looked up: Nina goes to approval, an unknown name ends there', async () => {
    w = await startWorld();
    const nina = await waitingForNorthwind(w, 'Nina');
    const nobody = await waitingForNorthwind(w, 'Zebulon');
    await w.relationships.invite(nina);
    await w.relationships.invite(nobody);
    const relationshipId = (await w.store.requests.get(nina.id))?.relationship?.relationshipId ?? '';

    expect(acceptRelationship(w.sandbox.state, { relationship: relationshipId })).toBe(true);
    await w.watcher.pollNow(); // the access assignment is created (pending)
    await w.watcher.pollNow(); // active: ready

    const assignments = w.sandbox.state.gdapRelationships.find((r) => r.id === relationshipId)?.accessAssignments ?? [];
    expect(assignments.map((a) => [a.groupId, a.status, [...a.roles].sort()])).toEqual([[AZURE_MANAGERS, 'active', [...DEFAULT_GDAP_ROLES].sort()]]);
    const resumed = (await w.store.requests.get(nina.id));
    expect(resumed?.state).toBe('pending_approval');
    expect(resumed?.principal).toMatchObject({ id: NINA, userPrincipalName: expect.stringContaining('@northwindtraders') });
    expect(resumed?.principalQuery).toBeUndefined();
    const ended = (await w.store.requests.get(nobody.id));
    expect(ended?.state).toBe('failed');
    expect(ended?.outcome).toMatchObject({ kind: 'failed', code: 'PrincipalNotResolved' });
  });

  it('when the service account\'s sign-in is revoked, then an approved request stays provisioning, approvers are told once, and it is granted after a new sign-in', async () => {
    w = await startWorld();
    const request = await approvedForAlice(w, '3f1c2a8e-0000-5000-8000-000000000001');
    expect((await rawCall(w.sandbox, 'POST', `/_sandbox/entra/users/${SERVICE_ACCOUNT}/revokeSignInSessions`, { token: null })).status).toBeLessThan(300);

    await w.provisioning.start(request.id);
    await w.provisioning.start(request.id);

    expect((await w.store.requests.get(request.id))?.state).toBe('provisioning');
    expect(w.told.signInRequired).toBe(1);
    expect(w.sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName)).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 20));
    w.signInAgain();
    w.alerts.signInWorks();
    await w.provisioning.idle();

    expect((await w.store.requests.get(request.id))?.state).toBe('active');
    expect(w.sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName)).toHaveLength(1);
    expect(w.told.signInRestored).toBe(1);
  });

  it('when Contoso ends our GDAP relationship after approval, then the request waits for a new one instead of failing, requester and approvers hear why, and once Contoso approves it goes back to the approvers and is granted', async () => {
    // Arrange: approved for Alice on Contoso; the bot's ARM token for Contoso is already held (a grant an hour ago).
    w = await startWorld();
    const earlier = await approvedForAlice(w, '3f1c2a8e-0000-5000-8000-000000000001', READER);
    await w.provisioning.start(earlier.id);
    expect((await w.store.requests.get(earlier.id))?.state).toBe('active');
    const request = await approvedForAlice(w, '3f1c2a8e-0000-5000-8000-000000000002');
    // The customer's global administrator terminates the relationship in their admin center.
    const contoso = w.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId.toLowerCase() === CONTOSO.tenantId && r.status === 'active');
    expect(contoso.length).toBeGreaterThan(0);
    for (const relationship of contoso) relationship.status = 'terminated';

    // Act
    await w.provisioning.start(request.id);

    // Assert: ARM refused as it does (403 AuthorizationFailed); nothing granted, nothing failed; the request waits.
    const put = w.sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.assignmentName));
    expect(put.map((r) => r.status)).toEqual([403]);
    expect(w.sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName)).toHaveLength(0);
    const waiting = await w.store.requests.get(request.id);
    expect(waiting).toMatchObject({ state: 'awaiting_relationship', approvals: [], relationship: { missing: { kind: 'no_relationship', reseller: true } } });
    expect(w.told.waiting).toEqual([[request.id, { kind: 'no_relationship', reseller: true }]]);
    expect(w.told.approvers).toEqual([{ kind: 'no_relationship', reseller: true }]);
    expect((await w.store.audit.list(request.id)).map((e) => e.event)).toEqual(['seeded', 'provisioning_started', 'provisioning_waiting']);

    // The watcher sends Contoso a new GDAP relationship; Contoso approves; its roles reach Azure Managers.
    await w.watcher.pollNow();
    const relationshipId = (await w.store.requests.get(request.id))?.relationship?.relationshipId ?? '';
    expect(contoso.map((r) => r.id)).not.toContain(relationshipId);
    expect(acceptRelationship(w.sandbox.state, { relationship: relationshipId })).toBe(true);
    await w.watcher.pollNow();
    await w.watcher.pollNow();
    expect((await w.store.requests.get(request.id))?.state).toBe('pending_approval');
    expect((await w.approval.approve(request.id, ADA)).ok).toBe(true);
    await w.provisioning.start(request.id);

    expect((await w.store.requests.get(request.id))?.state).toBe('active');
    expect(w.sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName)).toHaveLength(1);
  });

  it('when Azure refuses the grant while our access to Contoso is intact (a role the bot may not give), then the request fails with Azure\'s code and nobody is told to wait', async () => {
    w = await startWorld();
    const request = await approvedForAlice(w, '3f1c2a8e-0000-5000-8000-000000000003');
    w.sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'forbidden', times: 1 });

    await w.provisioning.start(request.id);

    expect(await w.store.requests.get(request.id)).toMatchObject({ state: 'failed', outcome: { kind: 'failed', code: 'AuthorizationFailed' } });
    expect(w.told.waiting).toEqual([]);
    expect(w.told.approvers).toEqual([]);
  });
});
