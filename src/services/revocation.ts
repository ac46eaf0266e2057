// Revocation: an approved removal becomes one ARM DELETE of the named assignment; "already gone" is a success.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { outboxMessage } from './outbox-sender';
import { isAccessDenied } from './access-errors';
import { ArmRequestError, CloudUnavailableError, type AzureRbacGateway } from './ports';

export interface RevocationDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly rbac: AzureRbacGateway;
  readonly onError: (error: unknown, requestId: RequestId) => void;
}

const SYSTEM = { kind: 'system' } as const;

export class RevocationService {
  private readonly running = new Map<RequestId, Promise<void>>();
  private readonly resuming = new Set<Promise<unknown>>();

  constructor(private readonly deps: RevocationDependencies) {}

  start(id: RequestId): Promise<void> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const run = this.revoke(id)
      .catch((error: unknown) => this.deps.onError(error, id))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /** After a restart: approved or half-done removals are taken up again (DELETE is idempotent). */
  resume(): Promise<void[]> {
    // Tracked from the read on, so idle() also waits for a resume whose requests are still being read.
    const job = this.deps.requests.listByState(['approved', 'provisioning'])
      .then((requests) => Promise.all(requests.filter((request) => request.action === 'revoke').map((request) => this.start(request.id))));
    this.resuming.add(job);
    void job.catch(() => undefined).finally(() => this.resuming.delete(job));
    return job;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0 || this.resuming.size > 0) await Promise.allSettled([...this.running.values(), ...this.resuming]);
  }

  private async revoke(id: RequestId): Promise<void> {
    const approved = await this.deps.requests.get(id);
    if (!approved || approved.action !== 'revoke') return;
    const started = transition(approved, { type: 'start_provisioning' }, SYSTEM, this.deps.clock.now());
    if (!started.ok) return;
    const request = started.request;
    const startedAudit = { requestId: id, event: 'revocation_started', actor: 'system', at: request.updatedAt, detail: { assignmentName: request.assignmentName, scope: request.scope } };
    if (!(await this.deps.changes.record({ request, audit: startedAudit, outbox: [outboxMessage('request_changed', request)] }))) return;

    const outcome = await this.delete(request);
    const done = transition(request, { type: 'provisioned', outcome }, SYSTEM, this.deps.clock.now());
    if (!done.ok) return;
    await this.deps.changes.record({
      request: done.request,
      audit: {
        requestId: id,
        event: outcome.kind === 'failed' ? 'revocation_failed' : 'revoked',
        actor: 'system',
        at: done.request.updatedAt,
        detail: { ...outcome, assignmentName: request.assignmentName, scope: request.scope, role: request.role.name, principal: request.principal.id },
      },
      outbox: [outboxMessage('request_changed', done.request)],
    });
  }

  private async delete(request: AccessRequest): Promise<NonNullable<AccessRequest['outcome']>> {
    try {
      const deleted = await this.deps.rbac.deleteRoleAssignment(request.customer.tenantId, request.scope, request.assignmentName);
      return deleted ? { kind: 'removed' } : { kind: 'already_gone' };
    } catch (error) {
      if (error instanceof CloudUnavailableError) return { kind: 'failed', code: 'ArmUnavailable', reason: error.message };
      if (isAccessDenied(error)) return { kind: 'failed', code: error.code ?? 'AuthorizationFailed', reason: error.message };
      if (error instanceof ArmRequestError) return { kind: 'failed', code: error.code, reason: error.message };
      throw error;
    }
  }
}
