// Words left in a name that a name does not hold ("prod for the weekend", "prod but only rg-web"): what was not read.
import { tokenize } from './duration-words';
import { findRole } from './read-role';

/**
 * Words that open a clause of their own (a limit, a restriction, a reason), never the inside of a subscription's
 * name as people write one. Folded (lower case, no accents).
 */
const CLAUSE_WORDS: ReadonlySet<string> = new Set([
  // English
  'for', 'to', 'from', 'until', 'till', 'by', 'but', 'except', 'excluding', 'only', 'not', 'without', 'with', 'during',
  'while', 'so', 'because', 'since', 'after', 'before', 'between', 'then', 'time', 'timezone',
  // French
  'pour', 'jusqu', 'jusque', "jusqu'a", "jusqu'au", 'sauf', 'mais', 'uniquement', 'seulement', 'sans', 'avec', 'pendant',
  'durant', 'depuis', 'avant', 'apres', 'entre', 'afin', 'car', 'excepte', 'hormis', 'heure', 'heures',
]);

/**
 * In a name as written (the subscription part of a target), the words from the first one that opens a clause to the
 * end: "prod for the weekend" → "for the weekend", "prod d'ici vendredi" → "d'ici vendredi". undefined when none.
 * A choice among names would replace these words with a name, so they are asked back instead.
 */
export function unreadClause(name: string): string | undefined {
  const tokens = tokenize(name);
  const at = tokens.findIndex((t, i) => CLAUSE_WORDS.has(t.word) || (t.word === 'de' && tokens[i + 1]?.word === 'ici'));
  const from = tokens[at];
  // The first word is the name itself ("To Do", "Time Tracking"): only words after it can open a clause.
  if (at <= 0 || !from) return undefined;
  return name.slice(from.start).trim();
}

/** Words that join a second person or a second request onto the first. */
const JOIN = /(?:^|\s)(?:and|et|&|as well as|ainsi que|plus)\s+/giu;

/**
 * "Bob Reader and Alice Owner", "Bob Reader and Owner", "Alice and Bob": a second request joined onto the first, from the
 * joining word on; undefined when there is one request. One request is read per message, and a second one is never
 * left out unsaid. `principal` is who was read (a joined name is two people).
 */
export function joinedRequest(body: string, principal: string | undefined): string | undefined {
  const twoPeople = principal !== undefined && /(?:^|\s)(?:and|et|&)\s/i.test(principal);
  for (const join of body.matchAll(JOIN)) {
    // A role on each side of the joining word (no role in the catalogue has "and" in its own name).
    const twoRoles = findRole(body.slice(0, join.index)) !== undefined && findRole(body.slice(join.index)) !== undefined;
    if (twoPeople || twoRoles) return body.slice(join.index).trim();
  }
  return undefined;
}
