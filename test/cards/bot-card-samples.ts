// The other cards as the bot really builds them (src/teams/cards.ts, list-cards.ts), with the words of src/i18n: help,
// a choice, a list of requests and a relationship invitation, in English and French, so the pictures never drift from
// what users get.
import type { Locale } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { messagesFor } from '../../src/i18n';
import { choiceCard, helpCard, relationshipInvitationCard } from '../../src/teams/cards';
import { requestListCard } from '../../src/teams/list-cards';
import { request, type CardCase } from './access-request-samples';

const NORTHWIND_LINK =
  'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41&msppId=0&DAP=false#/BillingAccounts/partner-invitation';

/** Nina Patel, Contributor on Northwind Main, waiting for Northwind to accept the relationship. */
const ninaFor = (locale: Locale) =>
  request(locale, 'awaiting_relationship', {
    id: requestId('r-7a1e0b'),
    customer: { tenantId: tenantId('c0000004-0000-4000-8000-000000000001'), name: 'Northwind Traders' },
    subscription: { id: subscriptionId('c0000004-5b50-4000-8000-000000000001'), name: 'Northwind Main' },
    scope: '/subscriptions/c0000004-5b50-4000-8000-000000000001',
    principal: { id: principalId('c4000001-0000-4000-8000-000000000001'), displayName: 'Nina Patel', userPrincipalName: 'nina@northwind.onmicrosoft.com', principalType: 'User' },
  });

/** Sam's requests: one granted (made in Paris), one waiting (made in New York), one rejected (no zone known). */
const samsRequests = (locale: Locale) => [
  request(locale, 'active', { createdAt: '2026-11-23T08:30:00.000Z', timeZone: 'Europe/Paris' }),
  request(locale, 'pending_approval', {
    id: requestId('r-3b9d2e'),
    createdAt: '2026-11-24T15:10:00.000Z',
    timeZone: 'America/New_York',
    principal: { id: principalId('c1000002-0000-4000-8000-000000000001'), displayName: 'Bob Durand', userPrincipalName: 'bob@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000002'), name: 'Contoso Dev' },
  }),
  request(locale, 'rejected', { id: requestId('r-5c0f4a'), createdAt: '2026-11-20T10:00:00.000Z' }),
];

/** The cases of `template`, built by the bot's own functions; undefined for a template that has none here. */
export function botCardCases(template: string): CardCase[] | undefined {
  const locales: Locale[] = ['en', 'fr'];
  switch (template) {
    case 'help':
      return locales.map((locale) => ({ name: '', locale, card: helpCard(locale) }));
    case 'choice':
      return locales.map((locale) => {
        const m = messagesFor(locale).resolve;
        const choices = [
          { label: 'Contoso', detail: 'contoso.onmicrosoft.com', id: '8f14e45f-ceea-467a-9575-000000000000' },
          { label: 'Contoso Pharma', detail: 'contosopharma.onmicrosoft.com', id: '8f14e45f-ceea-467a-9575-000000000001' },
        ];
        return { name: '', locale, card: choiceCard(m.ambiguous.customer('contoso', ''), choices, m.choiceHint) };
      });
    case 'item-list':
      return locales.map((locale) => ({ name: '', locale, card: requestListCard(messagesFor(locale).lists.mineTitle, samsRequests(locale), locale) }));
    case 'relationship-invitation':
      return locales.map((locale) => ({
        name: '',
        locale,
        card: relationshipInvitationCard({ customer: { name: 'Northwind Traders' }, mode: 'reseller', url: NORTHWIND_LINK, request: ninaFor(locale) }, locale),
      }));
    default:
      return undefined;
  }
}
