// Turns what a sales agent typed (English or French) into a structured request, or says what is missing.
import type { Locale } from './access-request';
import { canonicalRoleName } from './role-catalog';

/** Where the role goes: a customer and (part of) a subscription's name, in the order worth trying. */
export interface TargetReading {
  readonly customer: string;
  readonly subscription?: string;
}

export type ParsedMessage =
  | {
      readonly kind: 'grant';
      readonly locale: Locale;
      readonly principal: string;
      readonly role: string;
      /** Readings of the target phrase, best first (e.g. "Contoso prod" → Contoso/prod, then "Contoso prod"/—). */
      readonly targets: readonly TargetReading[];
      readonly justification?: string;
    }
  | { readonly kind: 'help'; readonly locale: Locale }
  | { readonly kind: 'missing'; readonly locale: Locale; readonly missing: 'principal' | 'role' | 'target' }
  | { readonly kind: 'not_understood'; readonly locale: Locale };

const FRENCH_HINTS = /\b(donne|donner|accorde|accorder|ajoute|attribue|r[oô]le|sur|abonnement|bonjour|salut|aide|merci|qui|pour|parce)\b|\bl'|\bà\b/i;

export function detectLocale(text: string, fallback: Locale = 'en'): Locale {
  if (FRENCH_HINTS.test(text)) return 'fr';
  if (/\b(give|grant|add|assign|make|needs?|help|who|on|the|please|to)\b/i.test(text)) return 'en';
  return fallback;
}

/** Removes what is not the request: Teams mentions, greetings, politeness, trailing punctuation, extra spaces. */
export function clean(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(hi|hello|hey|bonjour|salut|coucou)\b[,!.]?\s*/i, '')
    .replace(/^(please|pls|kindly|s'il te pla[iî]t|s'il vous pla[iî]t|stp|svp)\b[,]?\s*/i, '')
    .replace(/^(can|could|would) you (please )?/i, '')
    .replace(/^(peux-tu|pourrais-tu|pouvez-vous|pourriez-vous)\s+/i, '')
    .replace(/\s*\b(please|thanks|thank you|merci|stp|svp)\b[.!]*$/i, '')
    .replace(/[\s.!?]+$/, '')
    .trim();
}

const GRANT_VERBS_EN = '(?:give|grant|assign|add|provide)';
const GRANT_VERBS_FR = '(?:donne|donner|accorde|accorder|attribue|attribuer|ajoute|ajouter)';

/** Splits "Alice Martin Contributor" into principal and role, preferring a known role name at the end. */
function splitPrincipalAndRole(words: string): { principal: string; role: string } | undefined {
  const explicit =
    /^(.+?)\s+the\s+(?:role\s+(?:of\s+)?)?(.+?)(?:\s+role)?$/i.exec(words) ??
    /^(.+?)\s+(?:an?\s+)?role\s+(?:of\s+)?(.+)$/i.exec(words) ??
    /^(.+?)\s+(?:an?\s+)?(.+?)\s+role$/i.exec(words);
  if (explicit?.[1] && explicit[2]) return { principal: explicit[1], role: explicit[2] };
  const parts = words.split(' ');
  for (let i = 1; i < parts.length; i++) {
    const role = parts.slice(i).join(' ').replace(/^(?:the|an?)\s+/i, '');
    if (canonicalRoleName(role) !== role.trim()) return { principal: parts.slice(0, i).join(' '), role };
  }
  if (parts.length < 2) return undefined;
  return { principal: parts.slice(0, -1).join(' '), role: parts[parts.length - 1] ?? '' };
}

/** Readings of a target phrase such as "Contoso's prod subscription" or "the prod subscription of Contoso". */
export function readTarget(phrase: string): TargetReading[] {
  const text = phrase.replace(/^(?:the|la|le|l')\s*/i, '').trim();
  const possessive = /^(.+?)'s?\s+(.+?)(?:\s+(?:subscription|sub))?$/i.exec(text);
  if (possessive?.[1] && possessive[2]) return [{ customer: possessive[1], subscription: possessive[2] }];
  const ofForm =
    /^(?:the\s+)?(.+?)\s+(?:subscription|sub)\s+(?:of|for|at)\s+(.+)$/i.exec(text) ??
    /^(?:abonnement\s+)?(.+?)(?:\s+(?:de|du|chez)\s+|\s+d')(.+)$/i.exec(text.replace(/^l'/i, ''));
  if (ofForm?.[1] && ofForm[2]) return [{ customer: ofForm[2], subscription: ofForm[1] }];
  const words = text.replace(/\s+(?:subscription|sub|abonnement)$/i, '').split(' ');
  const readings: TargetReading[] = [];
  for (let i = 1; i < words.length; i++) readings.push({ customer: words.slice(0, i).join(' '), subscription: words.slice(i).join(' ') });
  readings.push({ customer: words.join(' ') });
  return readings;
}

function splitJustification(text: string): { body: string; justification?: string } {
  const match = /^(.*?)\s+(?:because|since|as|for incident|for ticket|parce que|car|pour l'incident)\s+(.+)$/i.exec(text);
  if (match?.[1] && match[2]) return { body: match[1], justification: match[2] };
  return { body: text };
}

export function parseMessage(raw: string, fallbackLocale: Locale = 'en'): ParsedMessage {
  const text = clean(raw);
  const locale = detectLocale(text, fallbackLocale);
  if (/^(help|aide|\?|what can you do|que sais-tu faire)$/i.test(text) || text === '') return { kind: 'help', locale };
  const { body, justification } = splitJustification(text);
  const extra = justification ? { justification } : {};

  // "donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso"
  const fr = new RegExp(`^${GRANT_VERBS_FR}\\s+(?:à|a)\\s+(.+?)\\s+(?:le\\s+)?r[oô]le\\s+(?:de\\s+)?(.+?)\\s+sur\\s+(.+)$`, 'i').exec(body);
  if (fr?.[1] && fr[2] && fr[3]) return { kind: 'grant', locale: 'fr', principal: fr[1], role: canonicalRoleName(fr[2]), targets: readTarget(fr[3]), ...extra };
  // "accorde Lecteur à bob@contoso.com sur Contoso Dev"
  const frRoleFirst = new RegExp(`^${GRANT_VERBS_FR}\\s+(?:le\\s+r[oô]le\\s+)?(.+?)\\s+(?:à|a)\\s+(.+?)\\s+sur\\s+(.+)$`, 'i').exec(body);
  if (frRoleFirst?.[1] && frRoleFirst[2] && frRoleFirst[3])
    return { kind: 'grant', locale: 'fr', principal: frRoleFirst[2], role: canonicalRoleName(frRoleFirst[1]), targets: readTarget(frRoleFirst[3]), ...extra };

  // "give Contributor to Alice on Contoso prod"
  const roleFirst = new RegExp(`^${GRANT_VERBS_EN}\\s+(?:the\\s+)?(.+?)(?:\\s+role)?\\s+to\\s+(.+?)\\s+(?:on|in|for|over|at)\\s+(.+)$`, 'i').exec(body);
  if (roleFirst?.[1] && roleFirst[2] && roleFirst[3])
    return { kind: 'grant', locale: 'en', principal: roleFirst[2], role: canonicalRoleName(roleFirst[1]), targets: readTarget(roleFirst[3]), ...extra };
  // "give Alice Contributor on Contoso's prod subscription", "make Alice a Reader on …", "Alice needs Owner on …"
  const principalFirst =
    new RegExp(`^${GRANT_VERBS_EN}\\s+(.+?)\\s+(?:on|in|for|over|at)\\s+(.+)$`, 'i').exec(body) ??
    /^make\s+(.+?)\s+(?:on|in|for|over|at)\s+(.+)$/i.exec(body);
  const needs = /^(.+?)\s+(?:needs|requires|should get|should have)\s+(.+?)\s+(?:on|in|for|over|at)\s+(.+)$/i.exec(body);
  const words = principalFirst ? principalFirst[1] : needs ? `${needs[1]} ${needs[2]}` : undefined;
  const target = principalFirst ? principalFirst[2] : needs?.[3];
  if (words && target) {
    const split = splitPrincipalAndRole(words);
    if (!split) return { kind: 'missing', locale, missing: 'role' };
    return { kind: 'grant', locale: 'en', principal: split.principal, role: canonicalRoleName(split.role), targets: readTarget(target), ...extra };
  }
  if (new RegExp(`^(?:${GRANT_VERBS_EN}|make|${GRANT_VERBS_FR})\\b`, 'i').test(body)) return { kind: 'missing', locale, missing: 'target' };
  return { kind: 'not_understood', locale };
}
