// Fuzzy matching of what people type against directory names: case, accents and small typos tolerated, ranked.

/** Lower case, accents stripped, punctuation to spaces, single spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’'`]/g, "'")
    .replace(/[^a-z0-9@.'#_-]+/g, ' ')
    .trim();
}

/** One row of the edit-distance table, reused across calls (no allocation per comparison). */
let levenshteinRow = new Int32Array(64);

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0 || b.length === 0) return a.length + b.length;
  if (levenshteinRow.length <= b.length) levenshteinRow = new Int32Array(b.length * 2 + 1);
  const row = levenshteinRow;
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      const substitute = previous + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const insertOrDelete = Math.min(current, row[j - 1] as number) + 1;
      row[j] = substitute < insertOrDelete ? substitute : insertOrDelete;
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** Whether `a` and `b` are at most `budget` edits apart; the length difference alone often answers without the table. */
export function withinEdits(a: string, b: string, budget: number): boolean {
  if (Math.abs(a.length - b.length) > budget) return false;
  return levenshtein(a, b) <= budget;
}

/** A word this long may stand for any word it starts ("prod" → "Production"); shorter ones must be whole. */
export const MIN_PREFIX = 3;

/** Edits allowed for a word of this length: none for short words, one or two for longer ones. */
export const typoBudget = (length: number): number => (length <= 3 ? 0 : length <= 6 ? 1 : 2);

/**
 * How well `query` names something called `name` (0 = not at all, 1 = exactly).
 * Exact 1; all query words are whole words of the name 0.9; word prefixes 0.75; within typo budget 0.6.
 */
export function matchScore(query: string, name: string): number {
  const q = normalize(query);
  const n = normalize(name);
  return scoreNormalized(q, q.split(' '), n, n.split(' '));
}

/** matchScore on text already normalized and split into words (the index keeps names this way). */
export function scoreNormalized(q: string, queryWords: readonly string[], n: string, nameWords: readonly string[]): number {
  if (q === '' || n === '') return 0;
  if (q === n) return 1;
  let score = 1;
  for (const word of queryWords) {
    const s = nameWords.includes(word)
      ? 0.9
      : word.length >= MIN_PREFIX && nameWords.some((w) => w.startsWith(word))
        ? 0.75
        : nameWords.some((w) => withinEdits(w, word, typoBudget(Math.max(w.length, word.length))))
          ? 0.6
          : 0;
    if (s === 0) return withinEdits(q, n, typoBudget(Math.max(q.length, n.length))) ? 0.6 : 0;
    score = Math.min(score, s);
  }
  return score;
}

export interface Ranked<T> {
  readonly item: T;
  readonly score: number;
}

/** Candidates that match at all, best first; each item is scored on the best of its names. */
export function rank<T>(query: string, items: readonly T[], namesOf: (item: T) => readonly (string | undefined)[]): Ranked<T>[] {
  return items
    .map((item) => ({ item, score: Math.max(0, ...namesOf(item).map((name) => (name ? matchScore(query, name) : 0))) }))
    .filter((ranked) => ranked.score > 0)
    .sort((a, b) => b.score - a.score);
}

/** A lead this large (one score step: exact 1 over whole-word 0.9) makes the best candidate the answer. */
const CLEAR_LEAD = 0.099;

/** Below this a candidate is only a typo away: worth suggesting, never worth acting on. */
export const STRONG = 0.75;

export type Pick<T> =
  | { readonly kind: 'one'; readonly item: T }
  | { readonly kind: 'many'; readonly candidates: readonly T[] }
  /** Nothing strong; `suggestions` are the closest (typo-level) candidates, best first. */
  | { readonly kind: 'none'; readonly suggestions: readonly T[] };

/**
 * Exactly one strong candidate wins; several of the same strength are a question for the user, never a guess.
 * An exact match beats any number of partial ones (so "Contoso" picks Contoso over Contoso Pharma).
 * A typo-level match is never picked: "Contso" is answered with "did you mean Contoso?".
 */
export function pickOne<T>(ranked: readonly Ranked<T>[]): Pick<T> {
  const [best, second] = ranked;
  if (!best || best.score < STRONG) return { kind: 'none', suggestions: ranked.slice(0, 3).map((r) => r.item) };
  if (!second || best.score - second.score > CLEAR_LEAD) return { kind: 'one', item: best.item };
  return { kind: 'many', candidates: ranked.filter((r) => best.score - r.score <= CLEAR_LEAD).map((r) => r.item) };
}
