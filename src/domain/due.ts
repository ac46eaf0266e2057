// When a periodic job must next look at a request: the one time the store indexes, so sweeps read only what is due.
import type { AccessRequest } from './access-request';

/**
 * The time a job counts from, per state: the approval window from `pendingSince`, time-bound access from its
 * end, a relationship wait from when it began, provisioning and removal from their last change. undefined: no
 * job looks at the request again (final states, drafts). Callers shift the bound (`now - ttl`, `now + reminder`).
 */
export function dueAtOf(request: AccessRequest): string | undefined {
  switch (request.state) {
    case 'pending_approval':
      return request.pendingSince ?? request.updatedAt;
    case 'active':
      return request.expiresAt;
    case 'awaiting_relationship':
      return request.relationship?.since ?? request.updatedAt;
    case 'approved':
    case 'provisioning':
      return request.updatedAt;
    default:
      return undefined;
  }
}
