// Provisioning: an approved request becomes one ARM role assignment, under a name derived from the request id.
//
// Outcomes: created; 409 RoleAssignmentExists → "already had it" (the existing id recorded); PrincipalNotFound →
// retried with backoff for a bounded window after approval (new users replicate slowly); a refusal (403
// AuthorizationFailed, which ARM also gives when the partner's GDAP access is gone) after which readiness finds the bot's
// access to the customer gone sends the request back to wait for it, as at intake; every other ARM refusal fails at
// once with its code (the Teams layer turns the code into a sentence). 429 and 5xx never reach this file:
// the Azure SDK pipeline retries them (honouring Retry-After) under the gateway's retryOptions. A refused token that the
// partner's admins must renew (the service account's sign-in, the app's credential) is no failure: the request stays
// `provisioning` and is taken up again once the sign-in works (or at the next start).
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { ReadinessGap } from '../domain/readiness-gap';
import { transition } from '../domain/request-state';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import type { JobGate } from './job-leases';
import { ClaimedRequestService, DEFAULT_CLAIM_TTL_MS } from './claimed-runner';
import type { AccessDeniedError } from './access-errors';
import { outboxMessage } from './outbox-sender';
import { CloudUnavailableError, type AzureRbacGateway, type CreateAssignmentResult } from './ports';
import { refusalOf } from './refusals';
import { lostAccessGap, type ReadinessCheck } from './removal-waits';

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
  /**
   * The partner's sign-in (or the app's credential) was refused: `request` waits; someone must be told
   * (ReadinessAlerts.credentialRefused tells the approvers, in either access model).
   */
  readonly onSignInRequired?: (refusal: AccessDeniedError, request: AccessRequest) => void;
  /**
   * Instances sharing the store: each request is provisioned under its own lease (`provision:<id>`), so an instance
   * that starts (and resumes) while another is mid-call leaves that request alone. Default: alone on the store.
   */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_PROVISIONING_CLAIM_TTL_MS. */
  readonly claimTtlInMs?: number;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
  /**
   * Asked afresh when Azure refuses the grant (403, or the customer's tenant refusing the token): whether the bot's
   * access to the customer is gone (GDAP relationship ended, access assignment removed) or Azure refused this grant
   * itself. Without it every refusal fails the request.
   */
  readonly readiness?: ReadinessCheck;
  /** The request waits again for access to its customer: the approvers, who approved it, must hear why. */
  readonly onAccessLost?: (request: AccessRequest, gap: ReadinessGap) => void;
}

/** The lease one instance holds while it provisions (or revokes, or expires) a request. */
export { claimOf } from './claimed-runner';

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
    const lost = outcome.kind === 'failed' && outcome.code === 'AuthorizationFailed' ? await lostAccessGap(this.deps.readiness, request) : undefined;
    if (lost && outcome.kind === 'failed') return this.waitForAccess(request, lost, outcome);
    await this.finish(request, outcome, outcome.kind === 'failed' ? 'provisioning_failed' : 'provisioned', {
      attempts, assignmentName: request.assignmentName, scope: request.scope, ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
    });
  }

  /** Back to waiting for the customer, told to the requester (with the card) and to the approvers. */
  private async waitForAccess(request: AccessRequest, gap: ReadinessGap, refusal: Extract<Outcome, { kind: 'failed' }>): Promise<void> {
    const next = transition(request, { type: 'access_lost', missing: gap }, SYSTEM, this.deps.clock.now());
    if (!next.ok) return;
    const waiting = next.request;
    const recorded = await this.deps.changes.record({
      request: waiting,
      audit: { requestId: request.id, event: 'provisioning_waiting', actor: 'system', at: waiting.updatedAt, detail: { code: refusal.code, reason: refusal.reason, missing: gap, assignmentName: request.assignmentName, scope: request.scope } },
      outbox: [outboxMessage('request_changed', waiting), outboxMessage('relationship_waiting', waiting, { gap })],
    });
    if (recorded) this.deps.onAccessLost?.(waiting, gap);
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
        this.deps.onSignInRequired?.(refusal, request);
        return { ok: false, code: 'SignInRequired', message: refusal.message };
      }
      // The customer's tenant refused the bot's token (GDAP ended, consent withdrawn): Azure refused, with that reason.
      if (refusal) return { ok: false, code: 'AuthorizationFailed', message: refusal.message };
      if (error instanceof CloudUnavailableError) return { ok: false, code: FAILURE_CODES.armUnavailable, message: error.message };
      throw error;
    }
  }
}
