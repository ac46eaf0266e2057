// Finding the role in a request: a role the catalogue knows, or one the text marks as a role ("the X role", "le rôle X").
import { canonicalRoleName, KNOWN_ROLE_PHRASES, knownRole } from './role-catalog';
import { foldSameLength } from './text';

/** A known role phrase or an explicitly marked one ("the … role", "role …", "le rôle …", "as …"), with its span. */
export interface RoleSpan {
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

export function findRole(text: string): RoleSpan | undefined {
  const quoted = /["«]\s*([^"»]+?)\s*["»]/.exec(text);
  if (quoted?.[1] && /(?:r[oô]le|role)/i.test(text.slice(Math.max(0, quoted.index - 10), quoted.index + quoted[0].length + 6))) return findMarkedRole(text);
  const known = findKnownRole(text);
  return known ? widenRole(text, known) : findMarkedRole(text);
}
