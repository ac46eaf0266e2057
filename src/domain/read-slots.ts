// Reading who, which role and where from the words after the verb, through sentence frames in English and French.
import type { MissingPiece } from './parsed-message';
import { findRole } from './read-role';

const TP_EN = '(?:on|in|to|at|over|for|within|across|into)';
const TP_FR = '(?:sur|dans|chez|pour|au niveau de)';
const TO_EN = '(?:to|for)';
const TO_FR = "(?:à|a|au|aux|pour)";
/** Stands in the sentence for the role's words once they are found, so the frames read around it. */
const ROLE = '§';

/** Cuts "access/rights for", "the user", "à" and quotes off a principal; undefined when it is not a plausible one. */
export function cleanPrincipal(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const text = raw
    .replace(/^(?:(?:the|our|their)\s+)?(?:access|rights|permissions)\s+(?:to|for|of|from)\s+/i, '')
    .replace(/^(?:(?:l'|les\s+)?acc[eè]s|les droits)\s+(?:de|d'|à|a|pour)\s*/i, '')
    .replace(/^(?:to|à|a|au|pour)\s+/i, '')
    .replace(/^(?:(?:the|our|their)\s+)?(?:user|guest|account|member|colleague)\s+/i, '')
    .replace(/^(?:l'utilisateur|l'utilisatrice|utilisateur|utilisatrice|l'invit[ée]e?|le compte|notre coll[eè]gue)\s+/i, '')
    .replace(/\s+(?:(?:an?|un|une|the|l')\s*)?(?:access|acc[eè]s)$/i, '')
    .replace(/'s$|'$/i, '')
    .replace(/^["'<(]+|["'>)]+$/g, '')
    .replace(/^mailto:/i, '')
    .trim();
  if (text === '' || text.includes(ROLE)) return undefined;
  if (/^(?:me|myself|moi|moi-m[eê]me|us|nous|him|her|them|lui|elle|eux|someone|somebody|quelqu'un|access|acc[eè]s|rights|droits|permissions|it|ça|ca)$/i.test(text)) return undefined;
  const words = text.split(' ');
  if (words.length > 5) return undefined;
  if (words.some((w) => /^(?:on|in|to|at|sur|dans|for|pour|the|le|la|les|of|de)$/i.test(w))) return undefined;
  return text;
}

/** Cuts "the", "subscription", "abonnement" decorations off a target phrase; undefined when nothing is left. */
export function targetOf(raw: string | undefined): string | undefined {
  const text = raw?.trim().replace(/^(?:the|a|an)\s+/i, '').trim();
  return text ? text : undefined;
}

/** Frames: `P` principal, `T` target, `§` the role's place. Tried in order; the first that fits wins. */
export const FRAMES: readonly { readonly pattern: RegExp; readonly p: number; readonly t: number }[] = [
  // "give Alice Contributor on …", "make Alice a Reader on …", "add Alice as Reader to …"
  { pattern: new RegExp(`^(.+?)\\s+(?:as\\s+)?${ROLE}\\s+${TP_EN}\\s+(.+)$`, 'i'), p: 1, t: 2 },
  // "give Contributor to Alice on …"
  { pattern: new RegExp(`^${ROLE}\\s+${TO_EN}\\s+(.+?)\\s+${TP_EN}\\s+(.+)$`, 'i'), p: 1, t: 2 },
  // "give Reader on Contoso prod to Alice"
  { pattern: new RegExp(`^${ROLE}\\s+${TP_EN}\\s+(.+?)\\s+${TO_EN}\\s+(.+)$`, 'i'), p: 2, t: 1 },
  // "add Alice to Contoso prod as Reader"
  { pattern: new RegExp(`^(.+?)\\s+${TP_EN}\\s+(.+?)\\s+(?:as\\s+)?${ROLE}$`, 'i'), p: 1, t: 2 },
  // "donne à Alice le rôle Contributeur sur …"
  { pattern: new RegExp(`^${TO_FR}\\s+(.+?)\\s+${ROLE}\\s+${TP_FR}\\s+(.+)$`, 'i'), p: 1, t: 2 },
  // "accorde Lecteur à bob@contoso.com sur Contoso Dev"
  { pattern: new RegExp(`^${ROLE}\\s+${TO_FR}\\s+(.+?)\\s+${TP_FR}\\s+(.+)$`, 'i'), p: 1, t: 2 },
  // "donne le rôle Lecteur sur Contoso Dev à Bob"
  { pattern: new RegExp(`^${ROLE}\\s+${TP_FR}\\s+(.+?)\\s+${TO_FR}\\s+(.+)$`, 'i'), p: 2, t: 1 },
  // "ajoute Alice comme Lecteur sur …", "donne Alice Lecteur sur …"
  { pattern: new RegExp(`^(.+?)\\s+(?:(?:en tant que|comme)\\s+)?${ROLE}\\s+${TP_FR}\\s+(.+)$`, 'i'), p: 1, t: 2 },
  // "ajoute Alice à Contoso prod en tant que Lecteur"
  { pattern: new RegExp(`^(.+?)\\s+(?:${TP_FR}|à|a|au)\\s+(.+?)\\s+(?:(?:en tant que|comme)\\s+)?${ROLE}$`, 'i'), p: 1, t: 2 },
];

/** Revoke frames: the role may be absent ("remove Alice from Contoso prod"). */
export const REVOKE_FRAMES: readonly { readonly pattern: RegExp; readonly p: number; readonly t: number }[] = [
  { pattern: new RegExp(`^(.+?)(?:'s?)?\\s+(?:as\\s+)?${ROLE}\\s+(?:on|in|at|over|for|from|to)\\s+(.+)$`, 'i'), p: 1, t: 2 },
  { pattern: new RegExp(`^${ROLE}\\s+(?:from|for|of|to)\\s+(.+?)\\s+(?:on|in|at|over|for|from)\\s+(.+)$`, 'i'), p: 1, t: 2 },
  { pattern: new RegExp(`^${ROLE}\\s+(?:on|in|at|over|from)\\s+(.+?)\\s+(?:from|for|of|to)\\s+(.+)$`, 'i'), p: 2, t: 1 },
  { pattern: new RegExp(`^(?:à|a|au)\\s+(.+?)\\s+${ROLE}\\s+(?:sur|de|du|dans|d')\\s*(.+)$`, 'i'), p: 1, t: 2 },
  { pattern: new RegExp(`^${ROLE}\\s+(?:à|a|au|de|d')\\s*(.+?)\\s+(?:sur|dans|chez)\\s+(.+)$`, 'i'), p: 1, t: 2 },
  { pattern: new RegExp(`^(.+?)\\s+(?:comme\\s+|en tant que\\s+)?${ROLE}\\s+(?:sur|de|du|dans|d')\\s*(.+)$`, 'i'), p: 1, t: 2 },
  { pattern: /^(.+?)(?:'s?)?\s+(?:access|rights|permissions|roles?)?\s*(?:on|in|at|over|from|to)\s+(.+)$/i, p: 1, t: 2 },
  { pattern: /^(?:(?:l'|les\s+)?acc[eè]s|les droits|les r[oô]les)\s+(?:de|d')\s*(.+?)\s+(?:à|a|au|sur|dans)\s+(.+)$/i, p: 1, t: 2 },
  { pattern: /^(?:à\s+|a\s+)?(.+?)\s+(?:de|du|d'|sur|dans)\s*(.+)$/i, p: 1, t: 2 },
];

/** What the words after the verb say, piece by piece; a piece not read is absent. */
export interface Slots {
  principal?: string;
  role?: string;
  /** The words the role was read from, when they are not the role's own name (a short form, a French name). */
  roleText?: string;
  target?: string;
}

/** Reads principal, role and target from the words after the verb. */
export function readSlots(body: string, frames: typeof FRAMES, roleOptional: boolean): Slots {
  const role = findRole(body);
  const marked = role ? `${body.slice(0, role.start)} ${ROLE} ${body.slice(role.end)}`.replace(/\s+/g, ' ').trim() : body;
  for (const frame of frames) {
    const m = frame.pattern.exec(marked);
    if (!m) continue;
    const principal = cleanPrincipal(m[frame.p]);
    const target = targetOf(m[frame.t]);
    if (principal && target && !target.includes(ROLE)) return { principal, target, ...(role ? { role: role.role } : {}), ...(role?.words ? { roleText: role.words } : {}) };
  }
  // Half requests: find what is there so the question asks only for the rest.
  const slots: Slots = role ? { role: role.role, ...(role.words ? { roleText: role.words } : {}) } : {};
  // "give Alice access to Contoso prod" / "donne à Alice un accès sur …": the role is still to ask, the rest is read.
  const withTarget = new RegExp(`^(.*?)\\s*(?:(?:^|\\s)(?:(?:an?|un|une|l')\\s*)?(?:access|acc[eè]s)\\s+(?:to|à|a|au)|\\b(?:on|in|at|over|within|sur|dans|chez|from))\\s+(.+)$`, 'i').exec(marked);
  const principalText = (withTarget ? withTarget[1] : marked) ?? '';
  const target = withTarget ? targetOf(withTarget[2]?.split(ROLE)[0]) : undefined;
  // A name never spans the role: "give § to Alice" → "to Alice"; "Alice § needs" → "Alice".
  const segment = principalText.split(ROLE).map((part) => part.trim()).find((part) => part !== '');
  const principal = cleanPrincipal(segment?.replace(/\s+(?:to|for|à|a|au|as|comme|en tant que)$/i, '').trim());
  if (!roleOptional && !role && !target && principal && principal.split(' ').length >= 2) {
    // "give Alice Martin Foo": without a known role and a target we cannot tell where the name ends; leave it unread.
    return {};
  }
  return { ...slots, ...(principal ? { principal } : {}), ...(target ? { target } : {}) };
}

/** The first piece still missing, in the order the bot asks: who, then which role, then where. */
export function missingOf(action: 'grant' | 'revoke' | 'list', slots: Slots, needsRole: boolean): MissingPiece | undefined {
  if (action !== 'list' && !slots.principal) return 'principal';
  if (needsRole && !slots.role) return 'role';
  if (!slots.target) return 'target';
  return undefined;
}
