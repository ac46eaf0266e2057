// Writes a parsed request back as a sentence the parser reads the same way: the text behind a choice card's buttons.
import type { Locale } from './access-request';
import type { GrantRequest, ListRequest, RevokeRequest } from './parse-request';
import type { TargetReading } from './read-target';
import { frenchRoleName } from './role-catalog';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function target(reading: TargetReading | undefined, resourceGroup: string | undefined, locale: Locale): string {
  const customer = reading?.customer ?? '';
  const sub = reading?.subscription;
  const where =
    locale === 'fr'
      ? sub
        ? `l'abonnement ${sub} de ${customer}`
        : customer
      : sub
        ? GUID.test(sub)
          ? `subscription ${sub} of ${customer}`
          : `${sub} subscription of ${customer}`
        : customer;
  if (!resourceGroup) return locale === 'fr' ? `sur ${where}` : `on ${where}`;
  return locale === 'fr' ? `sur le groupe de ressources ${resourceGroup} de ${where}` : `on resource group ${resourceGroup} in ${where}`;
}

const quoted = (role: string): string => `"${role.replace(/"/g, '')}"`;
/** In French, a built-in role by the French portal's name, which the parser reads back as the same role. */
const quotedFr = (role: string): string => quoted(frenchRoleName(role) ?? role);

/** The request as one sentence in `locale`; only the first target reading is written (callers pin it first). */
export function renderRequest(request: GrantRequest | RevokeRequest | ListRequest, locale: Locale = request.locale): string {
  const where = target(request.targets[0], request.resourceGroup, locale);
  if (request.kind === 'grant') {
    const fr = locale === 'fr';
    const parts = [fr ? `donne à ${request.principal} le rôle ${quotedFr(request.role)} ${where}` : `give ${request.principal} the role ${quoted(request.role)} ${where}`];
    if (request.duration && request.duration.kind !== 'unreadable') parts.push(request.duration.text);
    if (request.ticket && !request.justification?.includes(request.ticket)) parts.push(fr ? `pour le ticket ${request.ticket}` : `for ticket ${request.ticket}`);
    if (request.justification) parts.push(fr ? `parce que ${request.justification}` : `because ${request.justification}`);
    return parts.join(' ');
  }
  if (request.kind === 'revoke') {
    const fr = locale === 'fr';
    const parts = fr
      ? [request.role ? `retire à ${request.principal} le rôle ${quotedFr(request.role)} ${where}` : `retire ${request.principal} ${where.replace(/^sur /, 'de ')}`]
      : [request.role ? `remove the role ${quoted(request.role)} from ${request.principal} ${where}` : `remove ${request.principal} from ${where.replace(/^on /, '')}`];
    if (request.ticket && !request.justification?.includes(request.ticket)) parts.push(fr ? `pour le ticket ${request.ticket}` : `for ticket ${request.ticket}`);
    if (request.justification) parts.push(fr ? `parce que ${request.justification}` : `because ${request.justification}`);
    return parts.join(' ');
  }
  if (locale === 'fr') return request.principal ? `quels accès a ${request.principal} ${where}` : `qui a accès ${where.replace(/^sur /, 'à ')}`;
  return request.principal ? `what access does ${request.principal} have ${where}` : `who has access to ${where.replace(/^on /, '')}`;
}
