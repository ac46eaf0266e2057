// The answer to "which role?" / "who?" / "where?": the piece asked for, and whatever else it says (a limit, a resource
// group, a reason) kept with the request; words it says and the bot cannot read are named back, never dropped.
import { extractDuration } from './durations';
import { tokenize } from './duration-words';
import { clean } from './message-text';
import type { MissingPiece, ParsedMessage } from './parsed-message';
import { extractReasons, extractResourceGroup, withLimitFromReasons } from './read-reasons';
import { findRole } from './read-role';
import { cleanPrincipal } from './read-slots';
import { readTarget } from './read-target';
import { canonicalRoleName } from './role-catalog';
import { unreadClause } from './unread-words';

type Question = Extract<ParsedMessage, { kind: 'missing' }>;

/** Words around a role in an answer that only say "this is the role" ("the Reader role, please"). */
const AROUND_ROLE: ReadonlySet<string> = new Set([
  'the', 'a', 'an', 'le', 'la', 'les', 'un', 'une', 'de', 'du', 'd', 'l', 'role', 'roles', 'on', 'in', 'sur', 'dans', 'for', 'pour', 'of',
  'access', 'acces', 'rights', 'droits', 'as', 'comme', 'en', 'tant', 'que', 'please', 'stp', 'svp', 'merci', 'thanks', 'thank', 'you', 'it', 'is', 'its', 'c', 'est', 'just', 'juste',
]);

/** The words of `text` outside [start, end) that are more than role decoration, as written; undefined when none. */
function besidesRole(text: string, start: number, end: number): string | undefined {
  const rest = `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, ' ').trim();
  return tokenize(rest).some((t) => !AROUND_ROLE.has(t.word.replace(/'$/, ''))) ? rest : undefined;
}

/**
 * The answer to "which role?" / "who?" / "on which customer and subscription?" completes the half request it
 * answers. undefined when the answer does not read as that piece.
 */
export function completeWith(question: Question, answer: string): ParsedMessage | undefined {
  const written = clean(answer.normalize('NFC')).replace(/^(?:(?:it'?s|c'est|for|pour|to|à|a|on|in|at|sur|dans|chez)\s+)+/i, '').trim();
  if (written === '') return undefined;
  const { locale } = question;
  const unread = (text: string): ParsedMessage => ({ kind: 'unread_words', locale, text, within: written });
  const partial = { ...question.partial };

  // What else the answer says: "Reader for 2 hours", "Lecteur jusqu'à vendredi", "Reader on resource group rg-web".
  const reasons = extractReasons(written);
  const timed = withLimitFromReasons(extractDuration(reasons.body), reasons.justification);
  const text = timed.rest.replace(/^(?:(?:for|pour|to|à|a|on|in|at|sur|dans|chez)\s+)+/i, '').trim();
  if (timed.duration) {
    if (question.action === 'revoke') return { kind: 'timed_removal', locale, text: timed.duration.text };
    if (question.action === 'list') return unread(timed.duration.text);
    if (timed.duration.kind === 'unreadable') return { kind: 'unclear_duration', locale, text: timed.duration.text };
    // Two limits, one in the request and one in the answer: which one was meant is a question.
    if (partial.duration) return { kind: 'unclear_duration', locale, text: `${partial.duration.text}, ${timed.duration.text}` };
    partial.duration = timed.duration;
  }
  if (reasons.justification) partial.justification = partial.justification ? `${partial.justification} — ${reasons.justification}` : reasons.justification;
  if (reasons.ticket && !partial.ticket) partial.ticket = reasons.ticket;

  const scoped = question.missing === 'target' ? extractResourceGroup(`on ${text}`) : extractResourceGroup(text);
  if (scoped.resourceGroup) {
    if (partial.resourceGroup && partial.resourceGroup.toLowerCase() !== scoped.resourceGroup.toLowerCase()) return unread(scoped.resourceGroup);
    partial.resourceGroup = scoped.resourceGroup;
  }
  const piece = (question.missing === 'target' ? scoped.body.replace(/^on\s+/i, '') : scoped.body).trim();
  if (piece === '') return undefined;

  if (question.missing === 'principal') {
    const principal = cleanPrincipal(piece);
    if (!principal) return undefined;
    const clause = unreadClause(principal);
    if (clause) return unread(clause);
    partial.principal = principal;
  } else if (question.missing === 'role') {
    const found = findRole(piece);
    if (found) {
      const extra = besidesRole(piece, found.start, found.end);
      if (extra) return unread(extra);
    }
    const role = found?.role ?? canonicalRoleName(piece.replace(/^(?:the|le|la|l')\s*/i, '').replace(/^(?:r[oô]le|role)\s+(?:de\s+|of\s+)?/i, ''));
    if (!role) return undefined;
    partial.role = role;
  } else if (question.missing === 'customer') {
    const guid = partial.targets?.[0]?.subscription;
    partial.targets = guid ? [{ customer: piece, subscription: guid }] : readTarget(piece);
  } else {
    const readings = readTarget(piece);
    if (readings.length === 0) return undefined;
    partial.targets = readings;
  }
  const { principal, role, targets } = partial;
  const next: MissingPiece | undefined =
    question.action !== 'list' && !principal ? 'principal' : question.action === 'grant' && !role ? 'role' : !targets?.length ? 'target' : targets.every((r) => r.customer === '') ? 'customer' : undefined;
  if (next) return { kind: 'missing', locale, action: question.action, missing: next, partial };
  const rest = { locale, targets: targets ?? [], ...(partial.resourceGroup ? { resourceGroup: partial.resourceGroup } : {}) };
  if (question.action === 'list') return { kind: 'list', ...rest, ...(principal ? { principal } : {}), ...(role ? { role } : {}) };
  const { duration, justification, ticket } = partial;
  const why = { ...(justification ? { justification } : {}), ...(ticket ? { ticket } : {}) };
  if (question.action === 'revoke') return { kind: 'revoke', ...rest, principal: principal ?? '', ...(role ? { role } : {}), ...why };
  return { kind: 'grant', ...rest, principal: principal ?? '', role: role ?? '', ...(duration ? { duration } : {}), ...why };
}
