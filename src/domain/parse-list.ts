// Reading "who has access to …" / "qui a accès à …": the list requests, in English and French.
import type { Locale } from './access-request';
import type { ListRequest } from './parsed-message';
import { extractResourceGroup } from './read-reasons';
import { cleanPrincipal, targetOf } from './read-slots';
import { readTarget } from './read-target';
import { knownRole } from './role-catalog';

const LIST_PATTERNS: readonly { readonly pattern: RegExp; readonly principal?: number; readonly role?: number; readonly target: number }[] = [
  { pattern: /^who (?:has|have|got|can access|has got)\s+(?:access|rights|permissions|roles?)\s+(?:to|on|in|at|over|for)\s+(.+)$/i, target: 1 },
  { pattern: /^who (?:can access|has access to|can see|can manage)\s+(.+)$/i, target: 1 },
  { pattern: /^who (?:is|are)\s+(?:an?\s+)?(.+?)\s+(?:on|in|at|of|over|for)\s+(.+)$/i, role: 1, target: 2 },
  { pattern: /^who (?:has|have|got)\s+(?:the\s+)?(.+?)(?:\s+role)?\s+(?:on|in|at|over|for)\s+(.+)$/i, role: 1, target: 2 },
  { pattern: /^(?:list|show|display|get)(?:\s+me)?\s+(?:all\s+)?(?:the\s+)?(?:access|accesses|role assignments|assignments|roles|permissions|rights)\s+(?:on|in|for|of|at|to)\s+(.+)$/i, target: 1 },
  { pattern: /^what (?:access|roles?|rights|permissions) (?:does|do)\s+(.+?)\s+have\s+(?:on|in|at|over|for|to)\s+(.+)$/i, principal: 1, target: 2 },
  { pattern: /^qui (?:a|ont|poss[eè]de)\s+(?:acc[eè]s|des droits|les droits|des acc[eè]s|un r[oô]le|des r[oô]les)\s+(?:à|a|au|sur|dans|pour)\s+(.+)$/i, target: 1 },
  { pattern: /^qui (?:a|ont|est|sont)\s+(?:le r[oô]le\s+|r[oô]le\s+|un\s+|une\s+)?(.+?)\s+(?:sur|dans|de|pour)\s+(.+)$/i, role: 1, target: 2 },
  { pattern: /^qui peut (?:acc[eè]der|voir|g[ée]rer)\s+(?:à|a|au)?\s*(.+)$/i, target: 1 },
  { pattern: /^(?:liste|lister|affiche|afficher|montre|montrer)(?:-moi)?\s+(?:tous\s+)?(?:les\s+)?(?:acc[eè]s|attributions(?: de r[oô]les?)?|r[oô]les|droits)\s+(?:sur|de|du|dans|pour|à|a|au)\s+(.+)$/i, target: 1 },
  { pattern: /^quels?\s+(?:acc[eè]s|r[oô]les?|droits)\s+(?:a|poss[eè]de)\s+(.+?)\s+(?:sur|dans|à|a|au|pour)\s+(.+)$/i, principal: 1, target: 2 },
];

/** The list request the text is, or undefined; a role named in it must be one the catalogue knows. */
export function parseList(text: string, locale: Locale): ListRequest | undefined {
  for (const { pattern, principal, role, target } of LIST_PATTERNS) {
    const m = pattern.exec(text);
    const targetText = targetOf(m?.[target]);
    if (!m || !targetText) continue;
    const scoped = extractResourceGroup(`on ${targetText}`);
    const rest = scoped.body.replace(/^(?:on|sur)\s+/i, '');
    const roleText = role ? m[role] : undefined;
    const roleName = roleText ? (knownRole(roleText.replace(/^(?:the|le|la|l')\s*/i, '')) ?? undefined) : undefined;
    if (roleText && !roleName && !/^(?:access|acc[eè]s)$/i.test(roleText)) continue;
    const who = principal ? cleanPrincipal(m[principal]) : undefined;
    return {
      kind: 'list',
      locale,
      targets: readTarget(rest),
      ...(scoped.resourceGroup ? { resourceGroup: scoped.resourceGroup } : {}),
      ...(who ? { principal: who } : {}),
      ...(roleName ? { role: roleName } : {}),
    };
  }
  return undefined;
}
