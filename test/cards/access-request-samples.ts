// The access-request card as the bot really builds it (src/teams/cards.ts accessRequestCard) for the moments people
// see: the requester's confirmation, the approver's decision, the outcome and a rejection, in English and French.
import type { AccessRequest, Locale } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { accessRequestCard, type AdaptiveCardJson } from '../../src/teams/cards';

const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Seller' };
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada Approver' };
const TEAMS_IDS = ['29:litware-sam', '29:litware-ada', '29:litware-alex'];

/** Alice Martin, Contributor on Contoso Production: the README's example, with the sandbox's ids. */
export function request(locale: Locale, state: AccessRequest['state'], more: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: requestId('r-2f6c1d'),
    version: 1,
    state,
    action: 'grant',
    requester: SAM,
    locale,
    customer: { tenantId: tenantId('c0000001-0000-4000-8000-000000000001'), name: 'Contoso' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001',
    principal: { id: principalId('c1000001-0000-4000-8000-000000000001'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: '/subscriptions/c0000001-5b50-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
    justification: locale === 'fr' ? 'Migration de la base de données' : 'Database migration',
    requiredApprovals: 1,
    approvals: [],
    assignmentName: '6f1d2c3b-4a59-5e68-9a7b-8c9d0e1f2a3b',
    createdAt: '2025-11-25T09:00:00Z',
    updatedAt: '2025-11-25T09:00:00Z',
    ...more,
  };
}

export interface CardCase {
  readonly name: string;
  readonly locale: Locale;
  readonly card: AdaptiveCardJson;
}

export function accessRequestCases(): CardCase[] {
  return (['en', 'fr'] as const).flatMap((locale) => {
    const approved = { by: ADA, at: '2025-11-25T09:05:00Z' };
    const viewerSam = { userId: SAM.id, isApprover: false, locale };
    const viewerAda = { userId: ADA.id, isApprover: true, locale };
    return [
      { name: 'request', locale, card: accessRequestCard(request(locale, 'draft'), viewerSam, TEAMS_IDS) },
      { name: 'approval', locale, card: accessRequestCard(request(locale, 'pending_approval', { pendingSince: '2025-11-25T09:01:00Z' }), viewerAda, TEAMS_IDS) },
      {
        name: 'outcome',
        locale,
        card: accessRequestCard(
          request(locale, 'active', { approvals: [approved], outcome: { kind: 'created', assignmentId: '/subscriptions/c0000001-5b50-4000-8000-000000000001/providers/Microsoft.Authorization/roleAssignments/6f1d2c3b-4a59-5e68-9a7b-8c9d0e1f2a3b' } }),
          viewerSam,
          TEAMS_IDS,
        ),
      },
      {
        name: 'rejected',
        locale,
        card: accessRequestCard(request(locale, 'rejected', { rejection: { ...approved, comment: locale === 'fr' ? 'Pas sur la production' : 'Not on production' } }), viewerSam, TEAMS_IDS),
      },
    ];
  });
}
