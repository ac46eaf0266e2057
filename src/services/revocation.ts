// Revocation: an approved removal becomes one ARM DELETE of the named assignment; "already gone" is a success.
import type { AccessRequest } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { ChangeLog, RequestRepository } from '../store/ports';
import type { Clock } from './clock';
import type { JobGate } from './job-leases';
import { ClaimedRequestService } from './claimed-runner';
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
  /** The per-request claim's ttl; default DEFAULT_CLAIM_TTL_MS (claimed-runner.ts). */
  readonly claimTtlInMs?: number;
  /** A resume could not read the store (it is tried again at the next one). */
  readonly onResumeError?: (error: unknown) => void;
}

export class RevocationService extends ClaimedRequestService {
  constructor(private readonly deps: RevocationDependencies) {
    super({ ...deps, handles: (request) => request.action === 'revoke' });
  }

  protected async work(id: RequestId): Promise<void> {
    const request = await this.begin(id, 'revocation_started');
    if (!request) return;
    const outcome = await this.delete(request);
    await this.finish(request, outcome, outcome.kind === 'failed' ? 'revocation_failed' : 'revoked', {
      assignmentName: request.assignmentName, scope: request.scope, role: request.role.name, principal: request.principal.id,
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
