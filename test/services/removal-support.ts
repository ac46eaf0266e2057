// For the tests of removals and access assignments when the bot's GDAP access to a customer goes: the sandbox with its
// Entra (the partner service account's tokens), the real gateways, a real SQLite store, readiness, the relationship
// watcher with its waiting removals, and the words the requester and the approvers read (TeamsRelationshipNotifier).
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { v5 as uuidv5 } from 'uuid';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { GraphGdapGateway } from '../../src/gateways/gdap-gateway';
import { loadPolicy } from '../../src/policy/load-policy';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import { ExpiryService } from '../../src/services/expiry';
import { GdapCompletion } from '../../src/services/gdap-completion';
import { ASSIGNMENT_NAMESPACE } from '../../src/services/intake';
import { ProvisioningService } from '../../src/services/provisioning';
import { ReadinessService } from '../../src/services/readiness';
import { ReadinessAlerts } from '../../src/services/readiness-alerts';
import { DEFAULT_GDAP_ROLES, RelationshipService } from '../../src/services/relationships';
import { RelationshipWatcher } from '../../src/services/relationships-watcher';
import { WaitingRemovals } from '../../src/services/removal-waits';
import { RevocationService } from '../../src/services/revocation';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { TeamsRelationshipNotifier } from '../../src/teams/relationship-notifier';
import { GRAPH, rawCall } from '../sandbox/raw-client';
import { tempStorePath } from '../store/store-fixtures';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { quietNotifier, sendingChanges } from '../support/sending-changes';

export const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
export const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
export const CONTOSO = { tenantId: tenantId('c0000001-0000-4000-8000-000000000001'), name: 'Contoso' };
export const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = { id: principalId('c0000001-0000-4000-8000-0000000000a1'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' as const };
export const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada' };
const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam' };
const CONTRIBUTOR = { definitionId: `${PROD}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`, name: 'Contributor' };
const DAY = 86_400_000;

export interface World {
  readonly sandbox: RunningSandbox;
  readonly store: Store;
  readonly gdap: GraphGdapGateway;
  readonly readiness: ReadinessService;
  readonly relationships: RelationshipService;
  readonly completion: GdapCompletion;
  readonly approval: ApprovalService;
  readonly watcher: RelationshipWatcher;
  readonly provisioning: ProvisioningService;
  readonly revocation: RevocationService;
  readonly expiry: ExpiryService;
  /** Moves the bot's clock (the sandbox keeps real time: its tokens stay valid). */
  advance(ms: number): void;
  /** What Sam read (English) and what the approvers read (each message in English and in French). */
  readonly told: { readonly requester: string[]; readonly approvers: string[] };
  /** Role assignments in Azure under this name. */
  assignments(name: string): number;
  /** The HTTP statuses ARM answered to DELETEs of this assignment. */
  deletes(name: string): (number | undefined)[];
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const sandbox = await startSandbox({ port: 0 });
  const file = tempStorePath();
  const store = openSqliteStore(file.path);
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };
  const account = sandboxUserCredential(sandbox);
  const credential: TokenCredential = { getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => account.getToken(scopes, options) };
  const retryOptions = { maxRetries: 0 };
  const gateways = createGateways({ armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  const gdap = new GraphGdapGateway({ endpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  const told = { requester: [] as string[], approvers: [] as string[] };
  const teams = new TeamsRelationshipNotifier({
    toRequester: async (_request, content, delivery, key = 'requester') => {
      if (delivery.has(key)) return;
      const said = content('en');
      told.requester.push(typeof said === 'string' ? said : said.text ?? '');
      await delivery.sent(key);
    },
    toApprovers: async (content) => void told.approvers.push(content('en'), content('fr')),
  }, () => clock.now());
  const alerts = new ReadinessAlerts({ notifier: teams, clock });
  const securityGroupIds = [AZURE_MANAGERS];
  const { changes, sender } = sendingChanges(store, quietNotifier, teams);
  const completion = new GdapCompletion({ gdap, securityGroupIds, roleDefinitionIds: DEFAULT_GDAP_ROLES, changes, clock });
  const readiness = new ReadinessService({ model: 'delegated', ...gateways, gdap, securityGroupIds, appId: sandbox.partnerApp.clientId, authorityHost: sandbox.authorityHost, clock, completion });
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [ADA.id], directory: gateways.directory, partnerTenantId: PARTNER, clock });
  const approval = new ApprovalService({ requests: store.requests, changes, clock, access, approvalTtlInMs: 7 * DAY, onApproved: () => undefined });
  const settings = { duration: 'P730D', roleDefinitionIds: DEFAULT_GDAP_ROLES, approvalUrl: (id: string) => `${sandbox.url}/_sandbox/relationship/${id}` };
  const relationships = new RelationshipService({ mode: 'gdap', partnerCenter: gateways.partnerCenter, gdap, gdapSettings: settings, readiness, directory: gateways.directory, alerts, stored: store.requests, changes, clock, requests: approval });
  const fail = (error: unknown) => {
    throw error;
  };
  // The wiring main.ts is asked to take (see the report): readiness (with completion) and the approvers' alert for removals.
  const lostRemoval = (request: AccessRequest, gap: Parameters<ReadinessAlerts['accessLost']>[1]) =>
    alerts.accessLost(request.customer, gap, { subscription: request.subscription.name, requester: request.requester, lost: 'removal' });
  const provisioning = new ProvisioningService({ requests: store.requests, changes, clock, rbac: gateways.rbac, onError: fail, readiness });
  const revocation = new RevocationService({ requests: store.requests, changes, clock, rbac: gateways.rbac, onError: fail, readiness, onAccessLost: lostRemoval });
  const errors: unknown[] = [];
  const expiry = new ExpiryService({ requests: store.requests, changes, clock, rbac: gateways.rbac, onError: (error) => errors.push(error), readiness, onAccessLost: lostRemoval });
  const removals = new WaitingRemovals({ requests: store.requests, clock, revocation: () => revocation, expiry: () => expiry });
  const watcher = new RelationshipWatcher(
    { store: store.requests, clock, readiness, completion, relationships, requests: approval, removals },
    { pollIntervalInMs: 1, reminderAfterInMs: 3 * DAY, expiresAfterInMs: 14 * DAY },
  );
  const armCalls = (method: string, name: string) => sandbox.requests.filter((r) => r.method === method && r.path.endsWith(name));
  return {
    sandbox, store, gdap, readiness, relationships, completion, approval, watcher, provisioning, revocation, expiry, told,
    advance: (ms) => {
      offset += ms;
    },
    assignments: (name) => sandbox.state.roleAssignments.filter((a) => a.name === name).length,
    deletes: (name) => armCalls('DELETE', name).map((r) => r.status),
    async stop() {
      await watcher.stop();
      await provisioning.idle();
      await revocation.idle();
      await sender.stop();
      await store.close();
      await sandbox.stop();
      file.cleanup();
    },
  };
}

let counter = 0;
/** A request Ada approved for Alice on Contoso's production subscription, stored as it is. */
export async function approved(w: World, overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  counter += 1;
  const id = requestId(`9c000000-0000-4000-8000-${String(counter).padStart(12, '0')}`);
  const at = new Date().toISOString();
  const request: AccessRequest = {
    id, version: 1, state: 'approved', action: 'grant', requester: SAM, locale: 'en', customer: CONTOSO,
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: PROD, principal: ALICE, role: CONTRIBUTOR, requiredApprovals: 1, approvals: [{ by: ADA, at }],
    assignmentName: uuidv5(id, ASSIGNMENT_NAMESPACE), createdAt: at, updatedAt: at, ...overrides,
  };
  await w.store.changes.record({ request, audit: { requestId: request.id, event: 'seeded', actor: 'test', at } });
  return request;
}

/** Granted for real (the PUT to the sandbox); the request as stored (active). */
export async function granted(w: World, overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const request = await approved(w, overrides);
  await w.provisioning.start(request.id);
  const active = await w.store.requests.get(request.id);
  if (active?.state !== 'active') throw new Error(`not granted: ${JSON.stringify(active?.outcome)}`);
  return active;
}

/** Contoso's global administrator ends every active GDAP relationship with us (admin center). */
export function contosoEndsGdap(w: World): void {
  for (const r of w.sandbox.state.gdapRelationships) if (r.customerTenantId.toLowerCase() === CONTOSO.tenantId && r.status === 'active') r.status = 'terminated';
}

/** Access is back: the partner sends Contoso a new GDAP relationship, Contoso approves it, Azure Managers get its roles. */
export async function contosoApprovesNewGdap(w: World): Promise<void> {
  const prepared = await w.relationships.prepare(CONTOSO, SAM, undefined, { reseller: true });
  const id = prepared.ok ? prepared.invitation.gdap?.relationshipId : undefined;
  if (id === undefined || !acceptRelationship(w.sandbox.state, { relationship: id })) throw new Error('no new relationship to accept');
  expect(await w.completion.complete(id)).toEqual({ kind: 'pending' }); // created; Microsoft activates it
  expect(await w.completion.complete(id)).toEqual({ kind: 'done' });
}

/** Contoso's active relationship with us. */
export const contosoRelationship = (w: World) => w.sandbox.state.gdapRelationships.find((r) => r.customerTenantId.toLowerCase() === CONTOSO.tenantId && r.status === 'active');

/** A partner admin deletes Azure Managers' access assignment for Contoso in Partner Center (Graph DELETE with its ETag). */
export async function partnerAdminDeletesAssignment(w: World): Promise<void> {
  const id = contosoRelationship(w)?.id ?? '';
  const path = `/v1.0/tenantRelationships/delegatedAdminRelationships/${id}/accessAssignments`;
  const listed = (await rawCall(w.sandbox, 'GET', path, { scope: GRAPH })).body as { value: { id: string; status: string; '@odata.etag': string; accessContainer: { accessContainerId: string } }[] };
  const ours = listed.value.find((a) => a.accessContainer.accessContainerId === AZURE_MANAGERS && a.status === 'active');
  const deleted = await rawCall(w.sandbox, 'DELETE', `${path}/${ours?.id ?? ''}`, { scope: GRAPH, headers: { 'if-match': ours?.['@odata.etag'] ?? '' } });
  expect(deleted.status).toBe(204);
}
