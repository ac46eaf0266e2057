// A draft as intake writes it (the README's example request), for the benches that store drafts.
import { randomUUID } from 'node:crypto';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';

/** A draft as intake writes it: the README's example request, with a new id. */
export function draft(sender: number): AccessRequest {
  const id = randomUUID();
  const at = new Date().toISOString();
  return {
    id: requestId(id), version: 1, state: 'draft', action: 'grant', locale: 'en',
    requester: { id: principalId(`5a0e0001-0000-4000-8000-${String(sender).padStart(12, '0')}`), name: 'Sam Seller' },
    customer: { tenantId: tenantId('c0000000-0000-4000-8000-00000000c001'), name: 'Contoso' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001',
    principal: { id: principalId('c0000001-0000-4000-8000-0000000000a1'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
    requiredApprovals: 1, approvals: [], assignmentName: randomUUID(), justification: 'release 4.2',
    createdAt: at, updatedAt: at,
  };
}
