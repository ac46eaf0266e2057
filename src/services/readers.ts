// Who the bot talks to about access: the policy's requesters and the approvers; anyone else is refused before anything is read.
import type { Locale, PartnerUser } from '../domain/access-request';
import type { ParsedMessage } from '../domain/parse-request';
import type { AccessControl } from './access-control';

/**
 * Each answer about access (a customer's history, who holds which role, a user not found with the names it
 * resembles, "my requests") reads Partner Center, Graph, ARM or the store for the asker: someone of the partner
 * tenant who may neither request nor approve gets the policy's refusal instead, decided from the authenticated user
 * alone, before any of it is read. Help names no one and stays open to all. undefined: the asker may be answered.
 */
export async function readerRefusal(
  access: AccessControl,
  requester: PartnerUser,
  read: ParsedMessage,
  fallbackLocale: Locale,
): Promise<{ readonly kind: 'cloud_unavailable'; readonly locale: Locale; readonly service: string } | { readonly kind: 'policy_refused'; readonly locale: Locale; readonly code: 'not_a_requester'; readonly role: ''; readonly customer: '' } | undefined> {
  if (read.kind === 'help') return undefined;
  const status = await access.readerStatus(requester.id);
  if (status === 'yes') return undefined;
  const locale = 'locale' in read ? read.locale : fallbackLocale;
  // An approver group Graph did not answer for in time: "try again", never a refusal that may be wrong.
  if (status === 'unknown') return { kind: 'cloud_unavailable', locale, service: 'Graph' };
  return { kind: 'policy_refused', locale, code: 'not_a_requester', role: '', customer: '' };
}
