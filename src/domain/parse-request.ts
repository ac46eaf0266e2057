// Turns what a sales agent typed (English or French) into a structured request, or says what is missing.
import type { Locale } from './access-request';
import { extractDuration, type Duration } from './durations';
import { readTarget, type TargetReading } from './read-target';
import { canonicalRoleName, KNOWN_ROLE_PHRASES, knownRole } from './role-catalog';
import { foldSameLength, foldText } from './text';

export { readTarget, type TargetReading } from './read-target';

/** Where the role goes: readings of the target phrase (best first) and, when named, a resource group in it. */
export interface TargetPhrase {
  /** Readings of the target phrase, best first (e.g. "Contoso prod" → Contoso/prod, then "Contoso prod"/—). */
  readonly targets: readonly TargetReading[];
  readonly resourceGroup?: string;
}

export interface GrantRequest extends TargetPhrase {
  readonly kind: 'grant';
  readonly locale: Locale;
  readonly principal: string;
  readonly role: string;
  readonly duration?: Duration;
  readonly justification?: string;
  readonly ticket?: string;
}

export interface RevokeRequest extends TargetPhrase {
  readonly kind: 'revoke';
  readonly locale: Locale;
  readonly principal: string;
  /** Absent: every role the principal has there. */
  readonly role?: string;
}

export interface ListRequest extends TargetPhrase {
  readonly kind: 'list';
  readonly locale: Locale;
  /** "what access does Alice have on …": only this principal's roles. */
  readonly principal?: string;
  /** "who has Owner on …": only this role. */
  readonly role?: string;
}

export type MissingPiece = 'principal' | 'role' | 'target' | 'customer';

export type ParsedMessage =
  | GrantRequest
  | RevokeRequest
  | ListRequest
  | { readonly kind: 'status'; readonly locale: Locale; readonly which: 'mine' | 'pending' }
  /** "extend Alice's access by 4 hours": a time-bound grant in force, kept for longer (a new request, same approvals). */
  | { readonly kind: 'extend'; readonly locale: Locale; readonly principal: string; readonly duration: Duration; readonly targets: readonly TargetReading[] }
  /** "history of Contoso prod": every request the bot handled on that subscription. */
  | ({ readonly kind: 'history'; readonly locale: Locale } & TargetPhrase)
  | { readonly kind: 'help'; readonly locale: Locale }
  /** "send Northwind a relationship request": the invitation alone, without an access request. */
  | { readonly kind: 'relationship_request'; readonly locale: Locale; readonly customer: string }
  | {
      readonly kind: 'missing';
      readonly locale: Locale;
      readonly action: 'grant' | 'revoke' | 'list';
      /** The one piece to ask for (the first one missing, in the order principal, role, target). */
      readonly missing: MissingPiece;
      /** What was understood, so the answer to the question can complete it. */
      readonly partial: Partial<Omit<GrantRequest, 'kind' | 'locale'>>;
    }
  | { readonly kind: 'unclear_duration'; readonly locale: Locale; readonly text: string }
  /** More than MAX_MESSAGE_CHARS: not read at all (a request fits in a sentence; the cap bounds the work per message). */
  | { readonly kind: 'message_too_long'; readonly locale: Locale; readonly maxChars: number }
  | { readonly kind: 'not_understood'; readonly locale: Locale };

/** The longest message read, after Teams markup is removed: a request with its reasons fits with room to spare. */
export const MAX_MESSAGE_CHARS = 1_000;

const FRENCH_WORDS =
  /(?:^|[\s'])(donne|donner|accorde|accorder|ajoute|ajouter|attribue|attribuer|affecte|mets|octroie|retire|retirer|enl[eè]ve|supprime|r[ée]voque|rôle|statut|sur|abonnement|bonjour|salut|aide|merci|qui|quels?|pour|pendant|parce|jusqu|besoin|acc[eè]s|mes|demandes|en attente|lecteur|contributeur|propri[ée]taire|stp|svp|heures?|jours?)(?=$|[\s,.!?'])|(?:^|\s)à\s|^l'|\sl'/i;
const ENGLISH_WORDS = /\b(give|grant|add|assign|make|needs?|help|who|on|the|please|to|remove|revoke|take|away|my|requests?|pending|status|role|for|hours?|days?|because|access|of|with|and)\b/i;

/** The user's language: French when French words are there, English when English ones are, else `fallback`. */
export function detectLocale(text: string, fallback: Locale = 'en'): Locale {
  const french = text.match(new RegExp(FRENCH_WORDS.source, 'gi'))?.length ?? 0;
  const english = text.match(new RegExp(ENGLISH_WORDS.source, 'gi'))?.length ?? 0;
  if (french === english) return fallback;
  return french > english ? 'fr' : 'en';
}

/** Tags of Teams' message HTML (and what rich-text clients add); anything else between "<" and ">" is text. */
const TEAMS_TAGS =
  /<\/?(?:p|div|span|br|at|a|b|i|u|s|strong|em|ul|ol|li|img|emoji|code|pre|blockquote|h[1-6]|table|thead|tbody|tr|td|th|hr|font|sub|sup|del|strike|ins|systemmessage|attachment|readonly)(?:\s+[a-z][\w:-]*\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=]+))*\s*\/?>/gi;

/** Removes what is not the request: Teams mentions, greetings, politeness, trailing punctuation, extra spaces. */
export function clean(text: string): string {
  let out = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<a\s[^>]*href="mailto:([^"]+)"[^>]*>[^<]*<\/a>/gi, ' $1 ')
    // Only the tags Teams puts in a message's HTML: "<for 8 hours>" typed by someone is words, not a tag to drop.
    .replace(TEAMS_TAGS, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const prefixes = [
    /^@\S+\s+/,
    /^(?:hi|hello|hey|yo|good (?:morning|afternoon|evening)|bonjour|bonsoir|salut|coucou|hello there)\b(?:\s+(?:there|team|bot|all|tout le monde))?\s*[,!.]?\s*/i,
    /^(?:please|pls|plz|kindly|s'il te pla[iî]t|s'il vous pla[iî]t|stp|svp|merci de|merci d')\s*[,]?\s*/i,
    /^(?:can|could|would|will) you (?:please |kindly )?/i,
    /^(?:peux-tu|peux tu|pourrais-tu|pourrais tu|pouvez-vous|pouvez vous|pourriez-vous|pourriez vous|tu peux|vous pouvez)\s+(?:s'il te pla[iî]t\s+|stp\s+|svp\s+)?/i,
    /^(?:i'd like to|i would like to|i want to|i need to|i need you to|we need to|i'd like you to|let's|lets|je voudrais|je souhaite|j'aimerais|je veux|il faut|on doit|nous devons)\s+/i,
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of prefixes) {
      const next = out.replace(prefix, '');
      if (next !== out) {
        out = next.trim();
        changed = true;
      }
    }
  }
  return out
    .replace(/[\s,]*\b(?:please|pls|thanks|thank you|thx|merci(?: beaucoup)?|stp|svp|s'il te pla[iî]t|s'il vous pla[iî]t)\b[\s.!?]*$/i, '')
    .replace(/[\s.!?;:]+$/, '')
    .replace(/\s*\?\s*$/, '')
    .trim();
}

const HELP = /^(?:help|aide|\?|\/help|what can you do|how does (?:this|it) work|how do i use (?:this|you)|commands|usage|menu|que sais-tu faire|que peux-tu faire|comment (?:[çc]a|cela) marche|comment t'utiliser|au secours|help me|besoin d'aide)$/i;

const STATUS_MINE = /^(?:(?:show|list|what are|check|see|get)\s+)?(?:the\s+)?(?:status(?: of)?\s+)?(?:my|mes)\s+(?:open\s+|pending\s+|current\s+|en cours\s+)?(?:requests?|demandes?|access requests?|demandes d'acc[eè]s)(?:\s+en cours)?$|^(?:status|statut|[ée]tat|where are my requests|o[uù] en sont mes demandes|what did i ask for|qu'ai-je demand[ée]|(?:quel est )?l'[ée]tat de mes demandes|(?:le )?statut de mes demandes|(?:montre|affiche|liste)(?:-moi)? mes demandes)$/i;
const STATUS_PENDING = /^(?:(?:show|list|what are|any|see)\s+)?(?:the\s+)?(?:pending|open|waiting)\s+(?:approvals?|requests?)(?:\s+for me)?$|^(?:what(?:'s| is) waiting for (?:my approval|me)|anything (?:for me )?to approve|what do i (?:need|have) to approve|(?:les )?(?:demandes|approbations) en attente(?: d'approbation)?|qu'est-ce que j'ai à approuver|qu'ai-je à approuver|(?:quelles sont les )?demandes à approuver|à approuver)$/i;

const GRANT_VERBS_EN = 'give|grant|assign|add|provide|set up|setup|put|allow|make|create|enable|onboard';
const GRANT_VERBS_FR = "donne|donner|donnez|accorde|accorder|accordez|attribue|attribuer|attribuez|ajoute|ajouter|ajoutez|mets|mettre|mettez|octroie|octroyer|affecte|affecter|assigne|assigner|fournis|fournir|cr[ée]e|cr[ée]er";
const REVOKE_VERBS_EN = 'revoke|remove|take away|take back|withdraw|delete|drop|retract|strip|unassign|kill|cancel';
const REVOKE_VERBS_FR = "retire|retirer|retirez|enl[eè]ve|enlever|enlevez|supprime|supprimer|supprimez|r[ée]voque|r[ée]voquer|r[ée]voquez|[oô]te|[oô]ter";
const NEED_EN = /^(.+?)\s+(?:needs|need|requires|wants|should get|should have|must have|has to have|needs to have|needs to get|needs to be|should be|must be|has to be)\s+(?:an?\s+)?(.+)$/i;
const NEED_FR = /^(.+?)\s+(?:a besoin|aurait besoin|doit avoir|devrait avoir|veut|voudrait|doit [êe]tre|devrait [êe]tre)\s+(?:(?:du|de la|de l'|des|de|d'|d'un|d'une|un|une)\s*)?(.+)$/i;

const TP_EN = '(?:on|in|to|at|over|for|within|across|into)';
const TP_FR = '(?:sur|dans|chez|pour|au niveau de)';
const TO_EN = '(?:to|for)';
const TO_FR = "(?:à|a|au|aux|pour)";
const ROLE = '§';

/** A known role phrase or an explicitly marked one ("the … role", "role …", "le rôle …", "as …"), with its span. */
interface RoleSpan {
  readonly role: string;
  readonly start: number;
  readonly end: number;
  /** For a marked (custom) role: the words as written. */
  readonly words?: string;
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}@._-]/u.test(ch) && ch !== '-';

function findKnownRole(text: string): RoleSpan | undefined {
  const folded = foldSameLength(text);
  let best: RoleSpan | undefined;
  for (const phrase of KNOWN_ROLE_PHRASES) {
    if (best && phrase.length < best.end - best.start) break;
    let from = 0;
    for (;;) {
      const at = folded.indexOf(phrase, from);
      if (at < 0) break;
      from = at + 1;
      const before = folded[at - 1];
      const after = folded[at + phrase.length];
      const boundary = !isWordChar(before) && !isWordChar(after) && before !== '-' && after !== '-' && before !== "'" + '' && after !== '@';
      if (!boundary) continue;
      if (!best || at < best.start) best = { role: knownRole(phrase) ?? phrase, start: at, end: at + phrase.length };
      break;
    }
  }
  return best;
}

/** Widens a role span over the words around it that only say "this is a role": "the … role", "le rôle …", "… access". */
function widenRole(text: string, span: RoleSpan): RoleSpan {
  const before = text.slice(0, span.start);
  const after = text.slice(span.end);
  const lead =
    /(?:^|\s)((?:(?:the|a|an|le|la|un|une|du|des|de)\s+|l'|d')?(?:(?:r[oô]les?|role)\s+(?:of\s+|de\s+|d')?|(?:acc[eè]s|droits?)\s+(?:en\s+|de\s+|d')?)?(?:(?:the|a|an|le|la|un|une|du|de)\s+|l'|d')?["«]?\s*)$/i.exec(before);
  const trail = /^((?:\s*["»])?(?:\s+(?:role|r[oô]le|rights?|access|permissions?|privileges?|perms|acc[eè]s|droits?))?)/i.exec(after);
  const start = span.start - (lead?.[1]?.length ?? 0);
  const end = span.end + (trail?.[1]?.length ?? 0);
  return { role: span.role, start: Math.max(0, start), end };
}

/** Roles the catalogue does not know (custom roles) must be marked: quoted, "the X role", "role X", "le rôle X", "as X". */
function findMarkedRole(text: string): RoleSpan | undefined {
  const patterns: RegExp[] = [
    /(?:(?:the|a|an|le|la)\s+)?(?:r[oô]le|role)\s+(?:of\s+|de\s+|d')?["«]\s*([^"»]+?)\s*["»](?:\s+(?:role|r[oô]le))?/i,
    /(?:(?:the|a|an)\s+)?["«]\s*([^"»]+?)\s*["»]\s+(?:role|r[oô]le)/i,
    /\b(?:the|a|an)\s+([\p{L}\p{N}][\p{L}\p{N} .'()-]*?)\s+role\b/iu,
    /(?:\bthe\s+)?\brole\s+(?:of\s+)?([\p{L}\p{N}][\p{L}\p{N} .'()-]*?)(?=\s+(?:to|for|on|in|at|over|from|as)\b|$)/iu,
    /(?:\b(?:le|du)\s+)?\br[oô]le\s+(?:de\s+|d')?([\p{L}\p{N}][\p{L}\p{N} .'()-]*?)(?=\s+(?:à|a|au|aux|pour|sur|dans|chez|de)\s|$)/iu,
    /\bas\s+(?:an?\s+)?([\p{L}\p{N}][\p{L}\p{N} .'()-]*?)(?=\s+(?:to|for|on|in|at|over|from)\b|$)/iu,
    /\b(?:en tant que|comme)\s+(?:une?\s+)?([\p{L}\p{N}][\p{L}\p{N} .'()-]*?)(?=\s+(?:à|a|au|pour|sur|dans|chez|de)\s|$)/iu,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m?.[1]) return { role: canonicalRoleName(m[1]), start: m.index, end: m.index + m[0].length, words: m[1] };
  }
  return undefined;
}

function findRole(text: string): RoleSpan | undefined {
  const quoted = /["«]\s*([^"»]+?)\s*["»]/.exec(text);
  if (quoted?.[1] && /(?:r[oô]le|role)/i.test(text.slice(Math.max(0, quoted.index - 10), quoted.index + quoted[0].length + 6))) return findMarkedRole(text);
  const known = findKnownRole(text);
  return known ? widenRole(text, known) : findMarkedRole(text);
}

/** Cuts "access/rights for", "the user", "à" and quotes off a principal; undefined when it is not a plausible one. */
function cleanPrincipal(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const text = raw
    .replace(/^(?:(?:the|our|their)\s+)?(?:access|rights|permissions)\s+(?:to|for|of|from)\s+/i, '')
    .replace(/^(?:(?:l'|les\s+)?acc[eè]s|les droits)\s+(?:de|d'|à|a|pour)\s*/i, '')
    .replace(/^(?:to|à|a|au|pour)\s+/i, '')
    .replace(/^(?:(?:the|our|their)\s+)?(?:user|guest|account|member|colleague)\s+/i, '')
    .replace(/^(?:l'utilisateur|l'utilisatrice|utilisateur|utilisatrice|l'invit[ée]e?|le compte|notre coll[eè]gue)\s+/i, '')
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
function targetOf(raw: string | undefined): string | undefined {
  const text = raw?.trim().replace(/^(?:the|a|an)\s+/i, '').trim();
  return text ? text : undefined;
}

/** Frames: `P` principal, `T` target, `§` the role's place. Tried in order; the first that fits wins. */
const FRAMES: readonly { readonly pattern: RegExp; readonly p: number; readonly t: number }[] = [
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
const REVOKE_FRAMES: readonly { readonly pattern: RegExp; readonly p: number; readonly t: number }[] = [
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

/**
 * A limit written inside the reasons ("… because the migration runs until Friday") still limits the request: when the
 * body states none, a limit read there is taken (it can only shorten the access, and the card shows it before Confirm);
 * the justification keeps its words. One stated there but not readable ("… because she is here for a while") is asked
 * back; a bare time in the reasons ("the incident at 18:00") is a reason, not a limit.
 */
function withLimitFromReasons(timed: ReturnType<typeof extractDuration>, justification: string | undefined): ReturnType<typeof extractDuration> {
  if (timed.duration || !justification) return timed;
  const inReasons = extractDuration(justification, { leftovers: false }).duration;
  return inReasons ? { ...timed, duration: inReasons } : timed;
}

/** Cuts "for incident INC123", "ticket #4567", "because …", "parce que …" off the body. */
function extractReasons(text: string): { body: string; justification?: string; ticket?: string } {
  let body = text;
  let justification: string | undefined;
  const because =
    /[\s,;-]+(?:because(?:\s+of)?|due to|as part of|reason\s*:|justification\s*:|parce qu'|parce que|car|en raison d[eu']|à cause d[eu']|a cause d[eu']|motif\s*:|raison\s*:|so that|so (?:she|he|they|we) can|afin de|afin qu'|in order to)\s*(.+)$/i.exec(body);
  if (because?.[1]) {
    justification = because[1].replace(/^[,:\s]+/, '').trim();
    body = body.slice(0, because.index).trim();
  }
  const ticketPattern =
    /[\s,;-]*(?:\b(?:for|pour|re|ref|r[ée]f|regarding|concernant|per|via)\s*:?\s+)?(?:(?:the|an?|l'|le|la)\s*)?\b(?:incident|ticket|case|change|cas|changement|demande|request|cr|sr)\s*(?:n[o°º]\.?\s*|number\s*|#\s*|:\s*)?([A-Za-z]{0,10}-?\d[\w-]*)\b|[\s,;-]*(?:\b(?:for|pour)\s+)?\b((?:INC|CHG|RITM|REQ|SR|PRB|TASK|SCTASK|CS)-?\d{3,})\b|[\s,;-]*(?:\b(?:for|pour)\s+)?(#\d{3,})\b/i;
  const inBody = ticketPattern.exec(body);
  const ticket = inBody ? (inBody[1] ?? inBody[2] ?? inBody[3]) : justification ? ticketPattern.exec(` ${justification}`)?.slice(1).find(Boolean) : undefined;
  if (inBody) body = `${body.slice(0, inBody.index)} ${body.slice(inBody.index + inBody[0].length)}`.replace(/\s+/g, ' ').trim();
  return { body, ...(justification ? { justification } : {}), ...(ticket ? { ticket } : {}) };
}

const RG_NAME = "(?!(?:of|in|on|at|de|du|dans|sur|for|the|le|la)\\b)([A-Za-z0-9_.()-]*[A-Za-z0-9_()-])";
const RG_PATTERNS: readonly RegExp[] = [
  new RegExp(`(?:(\\b(?:on|in|to|at|for|over|sur|dans|pour)\\s+)(?:(?:the|le|la)\\s+|l')?)?\\b(?:resource[\\s-]?group|rg|groupe de ressources|groupe de ressource)\\s+(?:named\\s+|called\\s+|nomm[ée]\\s+|appel[ée]\\s+)?["«]?${RG_NAME}["»]?(\\s+(?:in|of|within|at|from|under|de|du|dans|d')\\s*(?:(?:the|l')\\s*)?)?`, 'i'),
  new RegExp(`(?:(\\b(?:on|in|to|at|for|over)\\s+)(?:the\\s+)?)?\\b${RG_NAME}\\s+(?:resource[\\s-]?group|rg)(?=\\s|$)(\\s+(?:in|of|within|at|from|under)\\s+(?:the\\s+)?)?`, 'i'),
  new RegExp(`(\\b(?:on|in|to|at|for|over|sur|dans)\\s+)\\b(rg-[A-Za-z0-9_.()-]*[A-Za-z0-9_()-])(\\s+(?:in|of|within|at|from|de|du|dans|d')\\s*(?:(?:the|l')\\s*)?)`, 'i'),
];

function extractResourceGroup(text: string): { body: string; resourceGroup?: string } {
  for (const pattern of RG_PATTERNS) {
    const m = pattern.exec(text);
    if (!m?.[2]) continue;
    const prep = m[1] ?? '';
    const join = m[3] ?? '';
    const keep = prep ? ` ${prep.trim()} ` : join ? ` ${/^(?:de|du|d'|dans)$/i.test(join.trim()) ? 'sur' : 'on'} ` : ' ';
    const body = `${text.slice(0, m.index)}${keep}${text.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim();
    return { body, resourceGroup: m[2] };
  }
  return { body: text };
}

interface Slots {
  principal?: string;
  role?: string;
  /** The words the role was read from, when they are not the role's own name (a short form, a French name). */
  roleText?: string;
  target?: string;
}

/** Reads principal, role and target from the words after the verb. */
function readSlots(body: string, frames: typeof FRAMES, roleOptional: boolean): Slots {
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
  const withTarget = new RegExp(`^(.*?)\\s*\\b(?:on|in|at|over|within|sur|dans|chez|from)\\s+(.+)$`, 'i').exec(marked);
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

function missingOf(action: 'grant' | 'revoke' | 'list', slots: Slots, needsRole: boolean): MissingPiece | undefined {
  if (action !== 'list' && !slots.principal) return 'principal';
  if (needsRole && !slots.role) return 'role';
  if (!slots.target) return 'target';
  return undefined;
}

/** Strips "subscription/abonnement" words and reads customer/subscription from the target. */
function readingsOf(target: string): readonly TargetReading[] {
  return readTarget(target);
}

const EXTEND_EN = /^extend\s+(.+?)'s?\s+(?:access|role|rights)(?:\s+(?:on|to)\s+(.+?))?\s+(?:by|for)\s+(?:another\s+|an?\s+extra\s+|more\s+)?(.+)$/i;
const EXTEND_FR = /^prolonge[rz]?\s+l'acc[eè]s\s+(?:de\s+|d')(.+?)(?:\s+sur\s+(.+?))?\s+(?:de|pour)\s+(.+)$/i;
const MANAGE_EN = /^(?:let|allow)\s+(.+?)\s+(?:to\s+)?manage\s+(?:their|its|her|his)\s+(?:own\s+)?(.+?)(?:\s+(?:azure\s+)?subscription)?$/i;
const MANAGE_FR = /^(?:laisse|laissez|permets?\s+à|permettez\s+à)\s+(.+?)\s+(?:de\s+)?g[ée]rer\s+(?:son|sa|leur)\s+(?:propre\s+)?(?:abonnement\s+)?(.+)$/i;
/** "make Contoso's admin bob@contoso.com Owner of prod" */
const MAKE_ADMIN_EN = /^make\s+(.+?)'s?\s+(?:global\s+)?(?:admin|administrator|it\s+admin)\s+(\S+)\s+(?:an?\s+)?(.+?)\s+(?:of|on|for)\s+(?:their\s+|the\s+)?(.+?)(?:\s+subscription)?$/i;
const HISTORY_EN = /^(?:show\s+(?:me\s+)?)?(?:the\s+)?(?:history|audit(?:\s+trail)?|log)\s+(?:of|for|on)\s+(?:the\s+)?(.+)$/i;
const HISTORY_FR = /^(?:montre(?:-moi)?\s+)?(?:l')?historique\s+(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d')(.+)$/i;

/** "send Northwind a relationship request", "invite Northwind to a GDAP relationship", "envoie une demande de relation à Northwind". */
const RELATIONSHIP_EN = /^(?:re-?send|send|email|e-mail|mail)\s+(.+?)\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+)?(?:partner\s+|reseller\s+|gdap\s+|delegated admin\s+)?(?:relationship|invitation)(?:\s+(?:request|invitation|link))?$/i;
const RELATIONSHIP_EN_TO = /^(?:re-?send|send|create|invite)\s+(?:a\s+|an\s+|the\s+|our\s+)?(?:new\s+)?(?:partner\s+|reseller\s+|gdap\s+|delegated admin\s+)?(?:relationship(?:\s+(?:request|invitation|link))?|invitation)\s+(?:to|for|with)\s+(.+)$|^invite\s+(?!.*\b(?:as|to be)\b)(.+?)\s+to\s+(?:a\s+|our\s+)?(?:partner\s+|reseller\s+|gdap\s+)?relationship$/i;
const RELATIONSHIP_FR = /^(?:r?envoie|r?envoyer|envoyez|cr[ée]e|cr[ée]er)\s+(?:une\s+|la\s+)?(?:nouvelle\s+)?(?:demande|invitation)\s+de\s+relation(?:\s+(?:partenaire|revendeur|gdap))?\s+(?:[àa]\s+|au\s+|aux\s+|pour\s+)(?:l'|la\s+|le\s+)?(?:client\s+)?(.+)$|^invite\s+(.+?)\s+[àa]\s+une\s+relation(?:\s+(?:partenaire|revendeur|gdap))?$/i;

export function parseMessage(written: string, fallbackLocale: Locale = 'en'): ParsedMessage {
  // Far over the cap, not even the markup is cleaned; the language is told from the start of the message.
  const tooLong = (): ParsedMessage => ({ kind: 'message_too_long', locale: detectLocale(written.slice(0, MAX_MESSAGE_CHARS), fallbackLocale), maxChars: MAX_MESSAGE_CHARS });
  if (written.length > 8 * MAX_MESSAGE_CHARS) return tooLong();
  // Composed form first: "Le\u0301a" (as some keyboards and macOS send it) is the same name as "Léa".
  const raw = written.normalize('NFC');
  const text = clean(raw).replace(/^([\p{L}]+)-(moi|nous)\b/iu, '$1 $2');
  if (text.length > MAX_MESSAGE_CHARS) return tooLong();
  const locale = detectLocale(text || raw, fallbackLocale);
  if (text === '' && /^\W*(?:thanks|thank you|thx|merci|ok|okay)\b/i.test(raw.trim())) return { kind: 'not_understood', locale };
  if (text === '' || HELP.test(text)) return { kind: 'help', locale };
  if (STATUS_PENDING.test(text)) return { kind: 'status', locale, which: 'pending' };
  if (STATUS_MINE.test(text)) return { kind: 'status', locale, which: 'mine' };

  const relationship = RELATIONSHIP_EN.exec(text) ?? RELATIONSHIP_EN_TO.exec(text) ?? RELATIONSHIP_FR.exec(text);
  const relationshipCustomer = (relationship?.[1] ?? relationship?.[2])?.replace(/'s$/i, '').replace(/^(?:the\s+)?customer\s+/i, '').trim();
  if (relationshipCustomer) return { kind: 'relationship_request', locale: RELATIONSHIP_FR.test(text) ? 'fr' : locale, customer: relationshipCustomer };

  const extend = EXTEND_EN.exec(text) ?? EXTEND_FR.exec(text);
  if (extend?.[1] && extend[3]) {
    const extendLocale = EXTEND_FR.test(text) ? 'fr' : locale;
    const { duration, rest } = extractDuration(`${extendLocale === 'fr' ? 'pour' : 'for'} ${extend[3]}`);
    // Anything after the length that is not part of it ("by 4 hours tomorrow") is a question, not a guess.
    if (duration && rest !== '') return { kind: 'unclear_duration', locale: extendLocale, text: extend[3] };
    if (duration) return { kind: 'extend', locale: extendLocale, principal: extend[1], duration, targets: extend[2] ? readingsOf(extend[2]) : [] };
  }

  // Customer self-management: the customer's own user becomes Owner of their subscription (Owner policy applies).
  // These frames read the whole sentence, so a time limit is taken out first (and kept) rather than read as a name.
  const framed = extractDuration(text);
  const manage = MANAGE_EN.exec(framed.rest) ?? MANAGE_FR.exec(framed.rest);
  const admin = manage ? undefined : MAKE_ADMIN_EN.exec(framed.rest);
  if ((manage?.[1] && manage[2]) || (admin?.[1] && admin[2] && admin[3] && admin[4])) {
    if (framed.duration?.kind === 'unreadable') return { kind: 'unclear_duration', locale, text: framed.duration.text };
    const duration = framed.duration ? { duration: framed.duration } : {};
    if (manage?.[1] && manage[2]) {
      const manageLocale = MANAGE_FR.test(framed.rest) ? 'fr' : locale;
      return { kind: 'missing', locale: manageLocale, action: 'grant', missing: 'principal', partial: { role: 'Owner', targets: readingsOf(`${manage[1]} ${manage[2]}`), ...duration } };
    }
    if (admin?.[1] && admin[2] && admin[3] && admin[4]) {
      return { kind: 'grant', locale, principal: admin[2], role: canonicalRoleName(admin[3]), targets: [{ customer: admin[1], subscription: admin[4] }, ...readingsOf(`${admin[1]} ${admin[4]}`)], ...duration };
    }
  }

  const history = HISTORY_EN.exec(text) ?? HISTORY_FR.exec(text);
  if (history?.[1]) return { kind: 'history', locale: HISTORY_FR.test(text) ? 'fr' : locale, targets: readingsOf(history[1]) };

  const list = parseList(text, locale);
  if (list) return list;

  const verb =
    new RegExp(`^(?:${REVOKE_VERBS_EN}|${REVOKE_VERBS_FR})\\b\\s*`, 'i').exec(text) ??
    new RegExp(`^(?:${GRANT_VERBS_EN}|${GRANT_VERBS_FR})\\b\\s*`, 'i').exec(text);
  const need = verb ? undefined : (NEED_EN.exec(text) ?? NEED_FR.exec(text));
  if (!verb && !need) return { kind: 'not_understood', locale };
  const action: 'grant' | 'revoke' = verb && new RegExp(`^(?:${REVOKE_VERBS_EN}|${REVOKE_VERBS_FR})\\b`, 'i').test(verb[0]) ? 'revoke' : 'grant';
  const afterVerb = verb ? text.slice(verb[0].length) : `${need?.[1] ?? ''} ${need?.[2] ?? ''}`.trim();

  const reasons = extractReasons(afterVerb);
  const timed = withLimitFromReasons(extractDuration(reasons.body), reasons.justification);
  const scoped = extractResourceGroup(timed.rest);
  const read = readSlots(scoped.body, action === 'grant' ? FRAMES : REVOKE_FRAMES, action === 'revoke');
  // Cutting a phrase out of the middle can join words that were apart; a name or role must be written as read.
  const folded = foldText(text);
  const slots: Slots = {
    ...(read.target ? { target: read.target } : {}),
    ...(read.principal && folded.includes(foldText(read.principal)) ? { principal: read.principal } : {}),
    ...(read.role && (read.roleText === undefined || folded.includes(foldText(read.roleText))) ? { role: read.role } : {}),
  };
  if (need && !slots.role && !slots.target) return { kind: 'not_understood', locale };
  if (timed.duration?.kind === 'unreadable') return { kind: 'unclear_duration', locale, text: timed.duration.text };

  const readings = slots.target ? readingsOf(slots.target) : [];
  if (readings.length === 0) delete slots.target;
  const missing = missingOf(action, slots, action === 'grant');
  const extras = {
    ...(scoped.resourceGroup ? { resourceGroup: scoped.resourceGroup } : {}),
    ...(timed.duration && action === 'grant' ? { duration: timed.duration } : {}),
    ...(reasons.justification && action === 'grant' ? { justification: reasons.justification } : {}),
    ...(reasons.ticket && action === 'grant' ? { ticket: reasons.ticket } : {}),
  };
  const customerMissing = readings.length > 0 && readings.every((r) => r.customer === '');
  if (missing || customerMissing) {
    const partial = {
      ...(slots.principal ? { principal: slots.principal } : {}),
      ...(slots.role ? { role: slots.role } : {}),
      ...(readings.length ? { targets: readings } : {}),
      ...extras,
    };
    if (!slots.principal && !slots.role && !slots.target && !verb) return { kind: 'not_understood', locale };
    return { kind: 'missing', locale, action, missing: missing ?? 'customer', partial };
  }
  const principal = slots.principal ?? '';
  if (action === 'revoke') return { kind: 'revoke', locale, principal, ...(slots.role ? { role: slots.role } : {}), targets: readings, ...extras };
  return { kind: 'grant', locale, principal, role: slots.role ?? '', targets: readings, ...extras };
}

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

function parseList(text: string, locale: Locale): ListRequest | undefined {
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
      targets: readingsOf(rest),
      ...(scoped.resourceGroup ? { resourceGroup: scoped.resourceGroup } : {}),
      ...(who ? { principal: who } : {}),
      ...(roleName ? { role: roleName } : {}),
    };
  }
  return undefined;
}

/**
 * The answer to "which role?" / "who?" / "on which customer and subscription?" completes the half request it
 * answers. undefined when the answer does not read as that piece.
 */
export function completeWith(question: Extract<ParsedMessage, { kind: 'missing' }>, answer: string): ParsedMessage | undefined {
  const text = clean(answer.normalize('NFC')).replace(/^(?:(?:it'?s|c'est|for|pour|to|à|a|on|in|at|sur|dans|chez)\s+)+/i, '').trim();
  if (text === '') return undefined;
  const partial = { ...question.partial };
  if (question.missing === 'principal') {
    const principal = cleanPrincipal(text);
    if (!principal) return undefined;
    partial.principal = principal;
  } else if (question.missing === 'role') {
    const role = findRole(text)?.role ?? canonicalRoleName(text.replace(/^(?:the|le|la|l')\s*/i, '').replace(/^(?:r[oô]le|role)\s+(?:de\s+|of\s+)?/i, ''));
    if (!role) return undefined;
    partial.role = role;
  } else if (question.missing === 'customer') {
    const guid = partial.targets?.[0]?.subscription;
    partial.targets = guid ? [{ customer: text, subscription: guid }] : readTarget(text);
  } else {
    const scoped = extractResourceGroup(`on ${text}`);
    const readings = readTarget(scoped.body.replace(/^on\s+/i, ''));
    if (readings.length === 0) return undefined;
    partial.targets = readings;
    if (scoped.resourceGroup) partial.resourceGroup = scoped.resourceGroup;
  }
  const { principal, role, targets } = partial;
  const next: MissingPiece | undefined =
    question.action !== 'list' && !principal ? 'principal' : question.action === 'grant' && !role ? 'role' : !targets?.length ? 'target' : targets.every((r) => r.customer === '') ? 'customer' : undefined;
  if (next) return { kind: 'missing', locale: question.locale, action: question.action, missing: next, partial };
  const rest = { locale: question.locale, targets: targets ?? [], ...(partial.resourceGroup ? { resourceGroup: partial.resourceGroup } : {}) };
  if (question.action === 'list') return { kind: 'list', ...rest, ...(principal ? { principal } : {}), ...(role ? { role } : {}) };
  if (question.action === 'revoke') return { kind: 'revoke', ...rest, principal: principal ?? '', ...(role ? { role } : {}) };
  const { duration, justification, ticket } = partial;
  return { kind: 'grant', ...rest, principal: principal ?? '', role: role ?? '', ...(duration ? { duration } : {}), ...(justification ? { justification } : {}), ...(ticket ? { ticket } : {}) };
}
