// Shared by the provisioning and expiry service tests: a real SQLite store, the real ARM gateway against the sandbox,
// a clock the test moves (also the sandbox's fault clock), a sleep that moves it, and a notifier that records.
import { v5 as uuidv5 } from 'uuid';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { ArmRbacGateway } from '../../src/gateways/arm-rbac-gateway';
import { loadDefaultSeed, startSandbox, type RunningSandbox, type SandboxSeed } from '../../src/sandbox';
import { ASSIGNMENT_NAMESPACE } from '../../src/services/intake';
import type { Notifier } from '../../src/services/notifier';
import type { AzureRbacGateway } from '../../src/services/ports';
import type { ChangeLog, Store } from '../../src/store/ports';
import { sendingChanges } from '../support/sending-changes';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { tempStorePath } from '../store/store-fixtures';
import { sandboxUserCredential } from '../support/sandbox-tokens';

export const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
export const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
export const ALICE = principalId('c0000001-0000-4000-8000-0000000000a1');
export const CONTRIBUTOR_GUID = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER_GUID = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada Approver' };
const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Seller' };

export class TestClock {
  at = Date.parse('2026-11-25T09:00:00Z');
  now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

/** The default seed plus `extraUsers` users in Contoso's directory (so that many distinct assignments can be made). */
export function seedWithUsers(extraUsers: number): SandboxSeed {
  const seed = loadDefaultSeed();
  for (let i = 0; i < extraUsers; i += 1) {
    const id = `c0000001-0000-4000-9000-${String(i).padStart(12, '0')}`;
    seed.users.push({
      id, tenantId: CONTOSO, displayName: `Load User ${i}`, givenName: 'Load', surname: `User ${i}`,
      userPrincipalName: `load${i}@contoso.onmicrosoft.com`, mail: null, userType: 'Member', jobTitle: null,
    });
  }
  return seed;
}

export const loadUserId = (i: number) => principalId(`c0000001-0000-4000-9000-${String(i).padStart(12, '0')}`);

let counter = 0;
/** An approved request (one approval by Ada, at the clock's time) for `principal` and `roleGuid` on Contoso prod. */
export function approvedRequest(clock: TestClock, overrides: Partial<AccessRequest> & { roleGuid?: string } = {}): AccessRequest {
  counter += 1;
  const id = requestId(`7e570000-0000-4000-8000-${String(counter).padStart(12, '0')}`);
  const at = clock.now().toISOString();
  const { roleGuid = CONTRIBUTOR_GUID, ...rest } = overrides;
  return {
    id,
    version: 1,
    state: 'approved',
    action: 'grant',
    requester: SAM,
    locale: 'en',
    customer: { tenantId: CONTOSO, name: 'Contoso' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: PROD,
    principal: { id: ALICE, displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: `${PROD}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`, name: roleGuid === READER_GUID ? 'Reader' : 'Contributor' },
    requiredApprovals: 1,
    approvals: [{ by: ADA, at }],
    assignmentName: uuidv5(id, ASSIGNMENT_NAMESPACE),
    createdAt: at,
    updatedAt: at,
    ...rest,
  };
}

export interface RecordingNotifier extends Notifier {
  readonly changes: { id: string; state: string }[];
  readonly reminders: AccessRequest[];
}

export function recordingNotifier(): RecordingNotifier {
  const changes: { id: string; state: string }[] = [];
  const reminders: AccessRequest[] = [];
  return {
    changes,
    reminders,
    approvalRequested: async () => undefined,
    approvalForApprover: async () => undefined,
    requestChanged: async (r) => {
      changes.push({ id: r.id, state: r.state });
    },
    expiryReminder: async (r) => {
      reminders.push(r);
    },
  };
}

export interface World {
  readonly clock: TestClock;
  readonly sandbox: RunningSandbox;
  readonly store: Store;
  /** The store's file: a second instance opens its own connection on it. */
  readonly storePath: string;
  /** The store's change log, sending what each change causes to the recording notifier before it returns. */
  readonly changes: ChangeLog;
  readonly rbac: ArmRbacGateway;
  readonly notifier: RecordingNotifier;
  /** Stores a request (version 1) as it is, with an audit entry: the world's starting point. */
  insert(request: AccessRequest): Promise<void>;
  /** Moves the clock instead of waiting; records each wait. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly sleeps: number[];
  readonly errors: unknown[];
  stop(): Promise<void>;
}

export async function startWorld(options: { seed?: SandboxSeed; random?: () => number; maxRetries?: number } = {}): Promise<World> {
  const clock = new TestClock();
  const sandbox = await startSandbox({ port: 0, faultClock: () => clock.at, ...(options.seed ? { seed: options.seed } : {}), ...(options.random ? { random: options.random } : {}) });
  const file = tempStorePath();
  const store = openSqliteStore(file.path);
  const rbac = new ArmRbacGateway({
    endpoint: sandbox.url,
    credential: sandboxUserCredential(sandbox),
    tlsCa: sandbox.caCertPem,
    retryOptions: { maxRetries: options.maxRetries ?? 4, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
  const sleeps: number[] = [];
  const notifier = recordingNotifier();
  const { changes, sender } = sendingChanges(store, notifier);
  return {
    clock,
    sandbox,
    store,
    storePath: file.path,
    changes,
    rbac,
    notifier,
    async insert(request) {
      await store.changes.record({ request, audit: { requestId: request.id, event: 'seeded', actor: 'test', at: request.updatedAt } });
    },
    sleeps,
    errors: [],
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    async stop() {
      await sender.stop();
      await store.close();
      await sandbox.stop();
      file.cleanup();
    },
  };
}

/** A small deterministic PRNG (mulberry32), so a "random" fault run is the same every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * ARM as one instance sees it: the assignment is made (or deleted), and the answer waits until the test lets it
 * through, as when the instance stalls or dies mid-call.
 */
export function answerHeld(rbac: AzureRbacGateway, operation: 'create' | 'delete'): { rbac: AzureRbacGateway; reached: Promise<void>; letThrough: () => void } {
  let letThrough: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    letThrough = resolve;
  });
  let reached: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const after = async <T>(answer: T): Promise<T> => {
    reached();
    await gate;
    return answer;
  };
  const held: AzureRbacGateway = Object.create(rbac) as AzureRbacGateway;
  if (operation === 'create') held.createRoleAssignment = async (tenant, assignment) => after(await rbac.createRoleAssignment(tenant, assignment));
  else held.deleteRoleAssignment = async (tenant, scope, name) => after(await rbac.deleteRoleAssignment(tenant, scope, name));
  return { rbac: held, reached: arrived, letThrough };
}
