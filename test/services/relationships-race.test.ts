// Two instances (or the click's job and the watcher) open the same request's GDAP relationship at once, against the
// sandbox's Graph and one SQLite store: one relationship, locked once, the invitation told once, no failure told.
import type { AccessRequest } from '../../src/domain/access-request';
import { subscriptionId, tenantId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { GraphGdapGateway } from '../../src/gateways/gdap-gateway';
import { loadPolicy } from '../../src/policy/load-policy';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import { ReadinessService } from '../../src/services/readiness';
import { DEFAULT_GDAP_ROLES, RelationshipService } from '../../src/services/relationships';
import type { RelationshipInvitation, RelationshipNotifier } from '../../src/services/relationships-ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { insert, makeRequest, tempStorePath } from '../store/store-fixtures';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { quietNotifier, sendingChanges } from '../support/sending-changes';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const ADA = '5a0e0001-0000-4000-8000-000000000002';
const NORTHWIND = { tenantId: tenantId('c0000004-0000-4000-8000-000000000004'), name: 'Northwind Traders' };
const NORTHWIND_MAIN = 'c0000004-5b50-4000-8000-000000000001';

describe('two instances open the same request\'s GDAP relationship at once', () => {
  let sandbox: RunningSandbox;
  let store: Store;
  let cleanup: () => void;
  let stopSender: () => Promise<void>;
  let instances: [RelationshipService, RelationshipService];
  /** What Sam was told: each invitation's relationship id, or 'failed'. */
  const told: string[] = [];

  beforeEach(async () => {
    told.length = 0;
    sandbox = await startSandbox({ port: 0 });
    const file = tempStorePath();
    cleanup = file.cleanup;
    store = openSqliteStore(file.path);
    const credential = sandboxUserCredential(sandbox);
    const retryOptions = { maxRetries: 0 };
    const gateways = createGateways({ armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
    const gdap = new GraphGdapGateway({ endpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
    const recorded = async (what: string): Promise<void> => void told.push(what);
    const teams: RelationshipNotifier = {
      invitationReady: (_request: AccessRequest, invitation: RelationshipInvitation) => recorded(invitation.gdap?.relationshipId ?? invitation.url),
      invitationFailed: () => recorded('failed'),
      reminder: () => recorded('reminder'),
      accepted: () => recorded('accepted'),
      waiting: () => recorded('waiting'),
    };
    const { changes, sender } = sendingChanges(store, quietNotifier, teams);
    stopSender = () => sender.stop();
    const clock = { now: () => new Date() };
    const readiness = new ReadinessService({ model: 'delegated', ...gateways, gdap, securityGroupIds: [AZURE_MANAGERS], appId: sandbox.partnerApp.clientId, authorityHost: sandbox.authorityHost, clock });
    const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [ADA as never], directory: gateways.directory, partnerTenantId: PARTNER, clock });
    const approval = new ApprovalService({ requests: store.requests, changes, clock, access, approvalTtlInMs: 86_400_000, onApproved: () => undefined });
    const settings = { duration: 'P730D', roleDefinitionIds: DEFAULT_GDAP_ROLES, approvalUrl: (id: string) => `https://admin.example/${id}` };
    // Two processes: each its own service (its own "one opening per customer" map), one store, one Graph.
    const instance = () => new RelationshipService({ mode: 'gdap', partnerCenter: gateways.partnerCenter, gdap, gdapSettings: settings, readiness, directory: gateways.directory, stored: store.requests, changes, clock, requests: approval });
    instances = [instance(), instance()];
  });
  afterEach(async () => {
    await stopSender();
    await store.close();
    await sandbox.stop();
    cleanup();
  });

  it('when both invite the waiting request while the first lock for approval is slow, then Northwind has one relationship, locked once, and Sam is told of it once and of no failure', async () => {
    // Arrange: Sam's confirmed request waits for Northwind; Graph holds the first lock for approval a moment
    const request = makeRequest('7e0c0000-0000-4000-8000-000000000001', {
      state: 'awaiting_relationship', customer: NORTHWIND, subscription: { id: subscriptionId(NORTHWIND_MAIN), name: 'Northwind Main' },
      scope: `/subscriptions/${NORTHWIND_MAIN}`, relationship: { mode: 'gdap', since: new Date().toISOString() },
    });
    await insert(store, request);
    sandbox.faults.add({ method: 'POST', pathIncludes: '/requests', kind: 'delay', delayMs: 500 });

    // Act
    await Promise.all(instances.map((service) => service.invite(request)));

    // Assert
    const relationships = sandbox.state.gdapRelationships.filter((r) => r.customerTenantId === NORTHWIND.tenantId);
    expect(relationships.map((r) => r.status)).toEqual(['approvalPending']);
    const id = relationships[0]?.id ?? '?';
    expect((await store.requests.get(request.id))?.relationship?.relationshipId).toBe(id);
    expect(told).toEqual([id]);
    expect((await store.audit.list(request.id)).filter((e) => e.event === 'gdap_relationship_created')).toHaveLength(1);
  });
});
