// The approval service as the approval-timeout sweep uses it: on a store alone, the default policy, no cloud reached.
import type { TokenCredential } from '@azure/identity';
import { createGateways } from '../../src/gateways';
import { loadPolicy } from '../../src/policy/load-policy';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import type { Clock } from '../../src/services/clock';
import type { Store } from '../../src/store/ports';
import { PARTNER_TENANT } from './teams-users';

/** Timing out asks no cloud: a credential that would say so. */
const noCloud: TokenCredential = { getToken: () => Promise.reject(new Error('the approval sweep calls no cloud')) };

export function sweepingApproval(store: Store, clock: Clock, approvalTtlInMs: number): ApprovalService {
  const unreachable = 'https://127.0.0.1:9';
  const gateways = createGateways({ armEndpoint: unreachable, graphEndpoint: unreachable, partnerCenterEndpoint: unreachable, credential: noCloud, partnerTenantId: PARTNER_TENANT });
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [], directory: gateways.directory, partnerTenantId: PARTNER_TENANT, clock });
  return new ApprovalService({ requests: store.requests, changes: store.changes, clock, access, approvalTtlInMs, onApproved: () => undefined });
}
