// Provisioning: an approved request becomes one ARM role assignment, under a name derived from the request id.
//
// Outcomes: created; 409 RoleAssignmentExists → "already had it" (the existing id recorded); PrincipalNotFound →
// retried with backoff for a bounded window after approval (new users replicate slowly); every other ARM refusal
// fails at once with its code (the Teams layer turns the code into a sentence). 429 and 5xx never reach this file:
// the Azure SDK pipeline retries them (honouring Retry-After) under the gateway's retryOptions. A refused token that the
// partner's admins must renew (the service account's sign-in, the app's credential) is no failure: the request stays
// `provisioning` and is taken up again once the sign-in works (or at the next start).
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import { ALONE, nextTurn, type JobGate } from './job-leases';
import { outboxMessage } from './outbox-sender';
import type { AccessDeniedError } from './access-errors';
import { CloudUnavailableError, type AzureRbacGateway, type CreateAssignmentResult } from './ports';
import { refusalOf } from './refusals';

export const DEFAULT_PRINCIPAL_REPLICATION_WINDOW_MS = 10 * 60_000;
export const DEFAULT_PRINCIPAL_RETRY_DELAY_MS = 5_000;
/**
 * How long an instance's claim on one request lasts without renewal (renewed every third of it while provisioning
 * runs): how long a crashed instance keeps the others from finishing its request.
 */
export const DEFAULT_PROVISIONING_CLAIM_TTL_MS = 60_000;
const MAX_PRINCIPAL_RETRY_DELAY_MS = 60_000;

/** Failure codes of our own, beside ARM's (ports' ArmFailureCode). */
export const FAILURE_CODES = {
  /** ARM did not answer (network, or 5xx after the pipeline's retries). */
  armUnavailable: 'ArmUnavailable',
  /** Time-bound access whose end passed before the role could be granted: nothing is assigned. */
  expiredBeforeGranted: 'ExpiredBeforeGranted',
} as const;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ProvisioningDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly rbac: AzureRbacGateway;
  readonly onError: (error: unknown, requestId: RequestId) => void;
  /** How long after approval PrincipalNotFound is retried; default 10 minutes. */
  readonly principalReplicationWindowInMs?: number;
  /** First wait between PrincipalNotFound retries (doubling up to a minute); default 5 s. */
  readonly principalRetryDelayInMs?: number;
  /** How to wait between PrincipalNotFound retries; injected so tests move a clock instead of waiting. */
  readonly sleep?: Sleep;
  /** The partner's sign-in (or the app's credential) was refused: the request waits; someone must be told. */
  readonly onSignInRequired?: (refusal: AccessDeniedError) => void;
  /**
   * Instances sharing the store: each request is provisioned under its own lease (`provision:<id>`), so an instance
   * that starts (and resumes) while another is mid-call leaves that request alone. Default: alone on the store.
   */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_PROVISIONING_CLAIM_TTL_MS. */
  readonly claimTtlInMs?: number;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
}

/** The lease one instance holds while it provisions (or revokes) a request. */
export const claimOf = (id: RequestId): string => `provision:${id}`;

const SYSTEM = { kind: 'system' } as const;
type Outcome = NonNullable<AccessRequest['outcome']>;
type AssignResult =
  | CreateAssignmentResult
  | { readonly ok: false; readonly code: typeof FAILURE_CODES.armUnavailable | 'AuthorizationFailed'; readonly message: string }
  /** The token was refused for a reason the partner's admins fix (sign in again, renew the secret): wait, do not fail. */
  | { readonly ok: false; readonly code: 'SignInRequired'; readonly message: string };

/** Refusals that are about the partner's own sign-in or credential, not about this customer. */
const WAIT_FOR_SIGN_IN: ReadonlySet<string> = new Set(['sign_in_required', 'app_credential_invalid']);

/** Full ARM id of an assignment at `scope` named `name`. */
export const assignmentIdOf = (scope: string, name: string): string => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;

export class ProvisioningService {
  private readonly running = new Map<RequestId, Promise<boolean>>();
  private readonly resuming = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly wakeUps = new Set<() => void>();
  private retry: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ProvisioningDependencies) {}

  /**
   * Starts provisioning in the background (at most once at a time per request, on every instance); resolves to
   * false when another instance holds the request's claim (it is provisioning it now). The promise is for tests.
   */
  start(id: RequestId): Promise<boolean> {
    const existing = this.running.get(id);
    if (existing) return existing;
    if (this.stopping) return Promise.resolve(true);
    const run = this.claimed(id)
      .catch((error: unknown) => {
        this.deps.onError(error, id);
        return true;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * After a restart: every request that was approved or half-provisioned is taken up again, one after another (each a
   * short stretch of the event loop). One that another instance is provisioning now is looked at again once its claim
   * could have run out: if that instance died mid-call, this one finishes the request.
   */
  resume(): Promise<void> {
    // Tracked from the read on, so idle() also waits for a resume whose requests are still being read.
    const job = this.resumeAll();
    this.resuming.add(job);
    void job.catch(() => undefined).finally(() => this.resuming.delete(job));
    return job;
  }

  /**
   * Resumes now and then every `intervalInMs` (the timer never keeps the process alive): what an instance that died
   * mid-call left is finished by another one still running, not only at the next start.
   */
  resumeEvery(intervalInMs: number): void {
    if (this.timer || this.stopping) return;
    this.resumeLogged();
    this.timer = setInterval(() => this.resumeLogged(), intervalInMs);
    this.timer.unref();
  }

  private resumeLogged(): void {
    this.resume().catch((error: unknown) => this.deps.onResumeError?.(error));
  }

  private async resumeAll(): Promise<void> {
    const requests = await this.deps.requests.listByState(['approved', 'provisioning']);
    const started: Promise<boolean>[] = [];
    for (const request of requests) {
      // Removals are the RevocationService's.
      if (request.action === 'revoke' || this.stopping) continue;
      await nextTurn();
      started.push(this.start(request.id));
    }
    if ((await Promise.all(started)).some((ours) => !ours)) this.resumeLater();
  }

  private resumeLater(): void {
    if (this.retry || this.stopping) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.resumeLogged();
    }, this.deps.claimTtlInMs ?? DEFAULT_PROVISIONING_CLAIM_TTL_MS);
    this.retry.unref();
  }

  /** Waits for every provisioning in flight (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.resuming.size > 0) await Promise.allSettled([...this.running.values(), ...this.resuming]);
  }

  /**
   * Shutdown: no new work, waits between retries end now (those requests stay `provisioning` and resume at the
   * next start), calls in flight are awaited.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    clearInterval(this.timer);
    this.retry = undefined;
    this.timer = undefined;
    for (const wake of [...this.wakeUps]) wake();
    await this.idle();
  }

  /**
   * Under the request's claim: read after it is taken, so a request another instance finished meanwhile is seen
   * finished (and left alone). false: another instance holds the claim.
   */
  private async claimed(id: RequestId): Promise<boolean> {
    const ttlInMs = this.deps.claimTtlInMs ?? DEFAULT_PROVISIONING_CLAIM_TTL_MS;
    const run = await (this.deps.jobs ?? ALONE).run(claimOf(id), () => this.provision(id), { ttlInMs });
    return run.ran;
  }

  private async provision(id: RequestId): Promise<void> {
    const approved = await this.deps.requests.get(id);
    // Removals are the RevocationService's.
    if (!approved || approved.action === 'revoke') return;
    const started = transition(approved, { type: 'start_provisioning' }, SYSTEM, this.deps.clock.now());
    if (!started.ok) return;
    // Stored before the call: a crash from here on resumes to the same idempotent PUT.
    const request = started.request;
    const startedAudit = { requestId: id, event: 'provisioning_started', actor: 'system', at: request.updatedAt, detail: { assignmentName: request.assignmentName, scope: request.scope } };
    if (!(await this.deps.changes.record({ request, audit: startedAudit, outbox: [outboxMessage('request_changed', request)] }))) return;

    const attempt = await this.attempt(request);
    if (attempt === 'stopped' || attempt === 'waiting_for_sign_in') return;
    const { outcome, attempts } = attempt;
    const done = transition(request, { type: 'provisioned', outcome }, SYSTEM, this.deps.clock.now());
    if (!done.ok) return;
    await this.deps.changes.record({
      request: done.request,
      audit: {
        requestId: id,
        event: outcome.kind === 'failed' ? 'provisioning_failed' : 'provisioned',
        actor: 'system',
        at: done.request.updatedAt,
        detail: { ...outcome, attempts, assignmentName: request.assignmentName, scope: request.scope, ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}) },
      },
      outbox: [outboxMessage('request_changed', done.request)],
    });
  }

  /** The PUT, retried on PrincipalNotFound until the replication window after approval closes. */
  private async attempt(request: AccessRequest): Promise<{ outcome: Outcome; attempts: number } | 'stopped' | 'waiting_for_sign_in'> {
    const now = () => this.deps.clock.now().getTime();
    if (request.expiresAt !== undefined && Date.parse(request.expiresAt) <= now()) {
      return { attempts: 0, outcome: { kind: 'failed', code: FAILURE_CODES.expiredBeforeGranted, reason: `The access period ended at ${request.expiresAt}, before the role could be granted.` } };
    }
    const approvedAt = Date.parse(request.approvals.at(-1)?.at ?? request.updatedAt);
    const deadline = approvedAt + (this.deps.principalReplicationWindowInMs ?? DEFAULT_PRINCIPAL_REPLICATION_WINDOW_MS);
    let delay = this.deps.principalRetryDelayInMs ?? DEFAULT_PRINCIPAL_RETRY_DELAY_MS;
    for (let attempts = 1; ; attempts += 1) {
      const result = await this.assign(request);
      if (!result.ok && result.code === 'SignInRequired') return 'waiting_for_sign_in';
      const remaining = deadline - now();
      if (result.ok || result.code !== 'PrincipalNotFound' || remaining <= 0) return { attempts, outcome: this.outcomeOf(request, result) };
      if (!(await this.wait(Math.min(delay, remaining)))) return 'stopped';
      delay = Math.min(delay * 2, MAX_PRINCIPAL_RETRY_DELAY_MS);
    }
  }

  private outcomeOf(request: AccessRequest, result: AssignResult): Outcome {
    if (!result.ok) return { kind: 'failed', code: result.code, reason: result.message };
    if (!result.alreadyExisted) return { kind: 'created', assignmentId: result.assignment.id };
    // The principal already had this role at this scope under another name: ARM names it in its 409.
    return { kind: 'already_existed', ...(result.existingAssignmentId ? { assignmentId: assignmentIdOf(request.scope, result.existingAssignmentId) } : {}) };
  }

  /** false when the service is stopping (the wait was cut short). */
  private async wait(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.wakeUps.add(wake);
    try {
      await Promise.race([(this.deps.sleep ?? realSleep)(ms), woken]);
    } finally {
      this.wakeUps.delete(wake);
    }
    return !this.stopping;
  }

  private async assign(request: AccessRequest): Promise<AssignResult> {
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
      const refusal = refusalOf(error);
      if (refusal && WAIT_FOR_SIGN_IN.has(refusal.reason)) {
        this.deps.onSignInRequired?.(refusal);
        return { ok: false, code: 'SignInRequired', message: refusal.message };
      }
      // The customer's tenant refused the bot's token (GDAP ended, consent withdrawn): Azure refused, with that reason.
      if (refusal) return { ok: false, code: 'AuthorizationFailed', message: refusal.message };
      if (error instanceof CloudUnavailableError) return { ok: false, code: FAILURE_CODES.armUnavailable, message: error.message };
      throw error;
    }
  }
}
