// Revocation: an approved removal becomes one ARM DELETE of the named assignment; "already gone" is a success.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { ALONE, nextTurn, type JobGate } from './job-leases';
import { outboxMessage } from './outbox-sender';
import { claimOf, DEFAULT_PROVISIONING_CLAIM_TTL_MS } from './provisioning';
import { isAccessDenied } from './access-errors';
import { ArmRequestError, CloudUnavailableError, type AzureRbacGateway } from './ports';

export interface RevocationDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly rbac: AzureRbacGateway;
  readonly onError: (error: unknown, requestId: RequestId) => void;
  /** Instances sharing the store: each removal runs under the request's claim, as provisioning does. Default: alone. */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_PROVISIONING_CLAIM_TTL_MS. */
  readonly claimTtlInMs?: number;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
}

const SYSTEM = { kind: 'system' } as const;

export class RevocationService {
  private readonly running = new Map<RequestId, Promise<boolean>>();
  private readonly resuming = new Set<Promise<unknown>>();
  private retry: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly deps: RevocationDependencies) {}

  /** Starts the removal in the background; false when another instance holds the request's claim (removing it now). */
  start(id: RequestId): Promise<boolean> {
    const existing = this.running.get(id);
    if (existing) return existing;
    const ttlInMs = this.deps.claimTtlInMs ?? DEFAULT_PROVISIONING_CLAIM_TTL_MS;
    const run = (this.deps.jobs ?? ALONE).run(claimOf(id), () => this.revoke(id), { ttlInMs })
      .then((claim) => claim.ran, (error: unknown) => {
        this.deps.onError(error, id);
        return true;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * After a restart: approved or half-done removals are taken up again (DELETE is idempotent), one after another; one
   * that another instance holds is looked at again once its claim could have run out.
   */
  resume(): Promise<void> {
    // Tracked from the read on, so idle() also waits for a resume whose requests are still being read.
    const job = this.resumeAll();
    this.resuming.add(job);
    void job.catch(() => undefined).finally(() => this.resuming.delete(job));
    return job;
  }

  /** Resumes now and then every `intervalInMs`, as ProvisioningService.resumeEvery. */
  resumeEvery(intervalInMs: number): void {
    if (this.timer || this.stopping) return;
    this.resumeLogged();
    this.timer = setInterval(() => this.resumeLogged(), intervalInMs);
    this.timer.unref();
  }

  /** No more resumes; removals in flight are awaited. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    clearInterval(this.timer);
    this.retry = undefined;
    this.timer = undefined;
    await this.idle();
  }

  private resumeLogged(): void {
    this.resume().catch((error: unknown) => this.deps.onResumeError?.(error));
  }

  private async resumeAll(): Promise<void> {
    const requests = await this.deps.requests.listByState(['approved', 'provisioning']);
    const started: Promise<boolean>[] = [];
    for (const request of requests) {
      if (request.action !== 'revoke' || this.stopping) continue;
      await nextTurn();
      started.push(this.start(request.id));
    }
    if ((await Promise.all(started)).some((ours) => !ours) && !this.retry && !this.stopping) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.resumeLogged();
      }, this.deps.claimTtlInMs ?? DEFAULT_PROVISIONING_CLAIM_TTL_MS);
      this.retry.unref();
    }
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
