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
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import type { JobGate } from './job-leases';
import { ClaimedRequestService, DEFAULT_CLAIM_TTL_MS } from './claimed-runner';
import type { AccessDeniedError } from './access-errors';
import { CloudUnavailableError, type AzureRbacGateway, type CreateAssignmentResult } from './ports';
import { refusalOf } from './refusals';

export const DEFAULT_PRINCIPAL_REPLICATION_WINDOW_MS = 10 * 60_000;
export const DEFAULT_PRINCIPAL_RETRY_DELAY_MS = 5_000;
/** How long an instance's claim on one request lasts without renewal (claimed-runner.ts). */
export const DEFAULT_PROVISIONING_CLAIM_TTL_MS = DEFAULT_CLAIM_TTL_MS;
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

/** The lease one instance holds while it provisions (or revokes, or expires) a request. */
export { claimOf } from './claimed-runner';

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

export class ProvisioningService extends ClaimedRequestService {
  constructor(private readonly deps: ProvisioningDependencies) {
    // Removals are the RevocationService's.
    super({ ...deps, handles: (request) => request.action !== 'revoke', claimTtlInMs: deps.claimTtlInMs ?? DEFAULT_PROVISIONING_CLAIM_TTL_MS });
  }

  protected async work(id: RequestId): Promise<void> {
    const request = await this.begin(id, 'provisioning_started');
    if (!request) return;
    const attempt = await this.attempt(request);
    if (attempt === 'stopped' || attempt === 'waiting_for_sign_in') return;
    const { outcome, attempts } = attempt;
    await this.finish(request, outcome, outcome.kind === 'failed' ? 'provisioning_failed' : 'provisioned', {
      attempts, assignmentName: request.assignmentName, scope: request.scope, ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
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
      if (!(await this.runner.wait(Math.min(delay, remaining), this.deps.sleep ?? realSleep))) return 'stopped';
      delay = Math.min(delay * 2, MAX_PRINCIPAL_RETRY_DELAY_MS);
    }
  }

  private outcomeOf(request: AccessRequest, result: AssignResult): Outcome {
    if (!result.ok) return { kind: 'failed', code: result.code, reason: result.message };
    if (!result.alreadyExisted) return { kind: 'created', assignmentId: result.assignment.id };
    // The principal already had this role at this scope under another name: ARM names it in its 409.
    return { kind: 'already_existed', ...(result.existingAssignmentId ? { assignmentId: assignmentIdOf(request.scope, result.existingAssignmentId) } : {}) };
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
