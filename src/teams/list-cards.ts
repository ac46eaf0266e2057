// Compact list cards: who has access at a scope, and lists of requests (mine, pending approvals, a subscription's history).
import type { AccessRequest, Locale } from '../domain/access-request';
import { formatWhen, messagesFor } from '../i18n';
import type { AccessListing } from '../services/access-listing';
import { itemListCard, type AdaptiveCardJson } from './cards';

const whereOf = (listing: Pick<AccessListing, 'customer' | 'subscription' | 'resourceGroup'>): string =>
  `${listing.customer.companyName} / ${listing.subscription.displayName}${listing.resourceGroup ? ` / ${listing.resourceGroup}` : ''}`;

export function accessListCard(listing: AccessListing, locale: Locale): AdaptiveCardJson {
  const all = messagesFor(locale);
  const m = all.lists;
  return itemListCard({
    title: m.accessTitle(whereOf(listing)),
    subtitle: m.accessSubtitle(listing.rows.length),
    empty: m.accessEmpty,
    items: listing.rows.map((row) => ({
      heading: `${row.principalName} — ${all.roles.name(row.role)}`,
      detail: [
        row.userPrincipalName,
        row.inherited || row.scope.includes('/resourceGroups/') ? m.inheritedFrom(row.scope.split('/').slice(3).join('/') || row.scope) : undefined,
        row.grantedBy ? m.grantedThrough(row.grantedBy.requester, row.grantedBy.approvers.join(', ')) : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      ...(row.grantedBy ? { badge: m.viaBot, badgeColor: 'good' } : {}),
    })),
    footer: m.accessFooter,
  });
}

const BADGE_COLOR: Partial<Record<AccessRequest['state'], string>> = {
  active: 'good',
  pending_approval: 'warning',
  draft: 'accent',
  rejected: 'attention',
  failed: 'attention',
  timed_out: 'attention',
};

/** Who reads a list, for dates written their way: Teams' language tag and time zone, when the message carried them. */
export interface ListViewer {
  readonly languageTag?: string;
  readonly timeZone?: string;
}

/**
 * Requests, one line each, with when each was made: in the viewer's time zone when known, else in the zone the request
 * was made in (the requester's own: "my requests" are in mine), else UTC; always named, never a bare ISO string.
 */
export function requestListCard(title: string, requests: readonly AccessRequest[], locale: Locale, viewer: ListViewer = {}): AdaptiveCardJson {
  const all = messagesFor(locale);
  return itemListCard({
    title,
    empty: all.lists.requestsEmpty,
    items: requests.map((r) => ({
      heading: all.lists.requestLine(r.principal.displayName, r.role.name, `${r.customer.name} / ${r.subscription.name}`),
      detail: all.lists.requestDetail(r.requester.name, formatWhen(new Date(r.createdAt), locale, viewer.timeZone ?? r.timeZone, viewer.languageTag)),
      badge: all.state[r.state],
      badgeColor: BADGE_COLOR[r.state] ?? 'default',
    })),
  });
}
