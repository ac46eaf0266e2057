// Provisioning: an approved request becomes one ARM role assignment, under a name derived from the request id.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition } from '../domain/request-state';
import type { RequestStore } from '../store/request-store';
import type { Clock } from './clock';
import type { Notifier } from './notifier';
import { CloudUnavailableError, type AzureRbacGateway, type CreateAssignmentResult } from './ports';

export interface ProvisioningDependencies {
  readonly store: RequestStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly rbac: AzureRbacGateway;
  readonly onError: (error: unknown, requestId: RequestId) => void;
}

const SYSTEM = { kind: 'system' } as const;

export class ProvisioningService {
  private readonly running = new Map<RequestId, Promise<void>>();

  constructor(private readonly deps: ProvisioningDependencies) {}

  /** Starts provisioning in the background (at most once at a time per request); the promise is for tests. */
  start(id: RequestId): Promise<void> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const run = this.provision(id)
      .catch((error: unknown) => this.deps.onError(error, id))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /** After a restart: every request that was approved or half-provisioned is taken up again. */
  resume(): Promise<void[]> {
    return Promise.all(this.deps.store.listByState(['approved', 'provisioning']).map((request) => this.start(request.id)));
  }

  /** Waits for every provisioning in flight (graceful shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private async provision(id: RequestId): Promise<void> {
    const approved = this.deps.store.get(id);
    // Removals are the RevocationService's.
    if (!approved || approved.action === 'revoke') return;
    const started = transition(approved, { type: 'start_provisioning' }, SYSTEM, this.deps.clock.now());
    if (!started.ok) return;
    // Stored before the call: a crash from here on resumes to the same idempotent PUT.
    if (!this.deps.store.update(started.request)) return;
    const request = started.request;
    await this.deps.notifier.requestChanged(request);

    const result = await this.assign(request);
    const outcome: NonNullable<AccessRequest['outcome']> = result.ok
      ? result.alreadyExisted
        ? { kind: 'already_existed', ...(result.existingAssignmentId ? { assignmentId: result.existingAssignmentId } : {}) }
        : { kind: 'created', assignmentId: result.assignment.id }
      : { kind: 'failed', code: result.code, reason: result.message };
    const done = transition(request, { type: 'provisioned', outcome }, SYSTEM, this.deps.clock.now());
    if (!done.ok || !this.deps.store.update(done.request)) return;
    this.deps.store.appendAudit({
      requestId: id,
      event: outcome.kind === 'failed' ? 'provisioning_failed' : 'provisioned',
      actor: 'system',
      at: done.request.updatedAt,
      detail: { ...outcome, assignmentName: request.assignmentName, scope: request.scope },
    });
    await this.deps.notifier.requestChanged(done.request);
  }

  private async assign(request: AccessRequest): Promise<CreateAssignmentResult> {
    try {
      return await this.deps.rbac.createRoleAssignment(request.customer.tenantId, {
        scope: request.scope,
        name: request.assignmentName,
        roleDefinitionId: request.role.definitionId,
        principalId: request.principal.id,
        principalType: request.principal.principalType,
        description: `Granted by CSP Access Bot for request ${request.id}`,
      });
    } catch (error) {
      if (error instanceof CloudUnavailableError) return { ok: false, code: 'Other', message: error.message };
      throw error;
    }
  }
}
