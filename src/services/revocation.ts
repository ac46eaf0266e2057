// Revocation: an approved removal becomes one ARM DELETE of the named assignment; "already gone" is a success. Refused
// because the bot's access to the customer is gone (readiness asked afresh), the removal waits for it instead of
// failing, and is made once the relationship watcher finds the access back (removal-waits.ts).
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { ReadinessGap } from '../domain/readiness-gap';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import type { JobGate } from './job-leases';
import { ClaimedRequestService } from './claimed-runner';
import { ArmRequestError, CloudUnavailableError, type AzureRbacGateway } from './ports';
import { refusalOf } from './refusals';
import { lostAccessGap, waitForAccess, type ReadinessCheck } from './removal-waits';

export interface RevocationDependencies {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  readonly rbac: AzureRbacGateway;
  readonly onError: (error: unknown, requestId: RequestId) => void;
  /** Instances sharing the store: each removal runs under the request's claim, as provisioning does. Default: alone. */
  readonly jobs?: JobGate;
  /** The per-request claim's ttl; default DEFAULT_CLAIM_TTL_MS (claimed-runner.ts). */
  readonly claimTtlInMs?: number;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
  /** Asked afresh when ARM refuses the DELETE: is the bot's access to the customer gone? Without it every refusal fails. */
  readonly readiness?: ReadinessCheck;
  /** The removal waits for access to its customer: the approvers must hear it. */
  readonly onAccessLost?: (request: AccessRequest, gap: ReadinessGap) => void;
}

type Outcome = NonNullable<AccessRequest['outcome']>;

export class RevocationService extends ClaimedRequestService {
  /** Waiting removals the watcher found the access back for: the next run of each calls ARM again. */
  private readonly released = new Set<RequestId>();

  constructor(private readonly deps: RevocationDependencies) {
    super({ ...deps, handles: (request) => request.action === 'revoke' });
  }

  /**
   * The relationship watcher found the access to the customer back: the waiting removal is made now. The mark lasts as
   * long as the run this call waits on: when none ran here (another instance held the claim, or this one is stopping),
   * a mark left behind would let a later resume call ARM for a removal that waits again (the watcher asks again while
   * the removal waits, so nothing is lost).
   */
  async resumeWaiting(id: RequestId): Promise<boolean> {
    this.released.add(id);
    try {
      return await this.start(id);
    } finally {
      this.released.delete(id);
    }
  }

  protected async work(id: RequestId): Promise<void> {
    // A removal waiting for its access is left alone by the resumes (no DELETE refused again every minute).
    const released = this.released.delete(id);
    if (!released && (await this.deps.requests.get(id))?.removalWait !== undefined) return;
    const request = await this.begin(id, 'revocation_started');
    if (!request) return;
    const { outcome, refused } = await this.delete(request);
    const gap = refused ? await lostAccessGap(this.deps.readiness, request) : undefined;
    if (gap && outcome.kind === 'failed') {
      await waitForAccess(this.deps, request, gap, { event: 'revocation_waiting', detail: { code: outcome.code, reason: outcome.reason, assignmentName: request.assignmentName, scope: request.scope } });
      return;
    }
    await this.finish(request, outcome, outcome.kind === 'failed' ? 'revocation_failed' : 'revoked', {
      assignmentName: request.assignmentName, scope: request.scope, role: request.role.name, principal: request.principal.id,
    });
  }

  private async delete(request: AccessRequest): Promise<{ readonly outcome: Outcome; readonly refused: boolean }> {
    try {
      const deleted = await this.deps.rbac.deleteRoleAssignment(request.customer.tenantId, request.scope, request.assignmentName);
      return { outcome: deleted ? { kind: 'removed' } : { kind: 'already_gone' }, refused: false };
    } catch (error) {
      // ARM's 403, or the customer's tenant refusing the bot's token (GDAP ended): a refusal, whatever wraps it.
      const refusal = refusalOf(error);
      if (refusal) return { outcome: { kind: 'failed', code: refusal.code ?? 'AuthorizationFailed', reason: refusal.message }, refused: true };
      if (error instanceof CloudUnavailableError) return { outcome: { kind: 'failed', code: 'ArmUnavailable', reason: error.message }, refused: false };
      if (error instanceof ArmRequestError) return { outcome: { kind: 'failed', code: error.code, reason: error.message }, refused: false };
      throw error;
    }
  }
}
