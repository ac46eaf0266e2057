// An index over names (customers, roles) so a lookup touches the few candidates, not every entry; same scores as rank().
import { levenshtein, MIN_PREFIX, normalize, scoreNormalized, typoBudget, type Ranked } from './matching';

/** Tokens worth typo-indexing: words people type, not domains, e-mail addresses, ids or very long strings. */
const typoIndexable = (token: string): boolean => token.length >= 4 && token.length <= 15 && !/[.@]/.test(token) && !/\d.*-|-.*\d/.test(token);

/** `word` with `count` characters deleted, every way (count 1 or 2). */
function deletions(word: string, count: number): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    const one = word.slice(0, i) + word.slice(i + 1);
    out.add(one);
    if (count > 1) for (let j = i; j < one.length; j++) out.add(one.slice(0, j) + one.slice(j + 1));
  }
  return [...out];
}

function binarySearch(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] ?? '') < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class NameIndex<T> {
  /** Each item's names, normalized, with their words. */
  private readonly names: { readonly text: string; readonly words: readonly string[] }[][];
  private readonly postings = new Map<string, number[]>();
  private readonly sortedTokens: string[];
  /** Deletion variants (SymSpell): a variant → the tokens it comes from; finds tokens within the typo budget. */
  private readonly variants = new Map<string, string[]>();

  constructor(
    private readonly items: readonly T[],
    namesOf: (item: T) => readonly (string | undefined)[],
  ) {
    this.names = items.map((item) => namesOf(item).filter((n): n is string => Boolean(n)).map((n) => ({ text: normalize(n), words: normalize(n).split(' ') })));
    items.forEach((_, index) => {
      for (const name of this.names[index] ?? []) {
        for (const token of new Set(name.words)) {
          if (!token) continue;
          const list = this.postings.get(token);
          if (!list) this.postings.set(token, [index]);
          else if (list[list.length - 1] !== index) list.push(index);
        }
      }
    });
    this.sortedTokens = [...this.postings.keys()].sort();
    for (const token of this.sortedTokens) {
      if (!typoIndexable(token)) continue;
      for (const variant of [token, ...deletions(token, typoBudget(token.length + 2))]) {
        const list = this.variants.get(variant);
        if (list) list.push(token);
        else this.variants.set(variant, [token]);
      }
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Items whose names could match `word` whole, as a prefix, or within the typo budget. */
  private candidatesFor(word: string): Set<number> {
    const found = new Set<number>();
    const add = (token: string): void => this.postings.get(token)?.forEach((i) => found.add(i));
    add(word);
    if (word.length >= MIN_PREFIX) {
      for (let i = binarySearch(this.sortedTokens, word); i < this.sortedTokens.length; i++) {
        const token = this.sortedTokens[i] ?? '';
        if (!token.startsWith(word)) break;
        add(token);
      }
    }
    if (word.length >= 4) {
      const budget = typoBudget(word.length + 2);
      for (const variant of [word, ...deletions(word, budget)]) {
        for (const token of this.variants.get(variant) ?? []) {
          if (levenshtein(token, word) <= typoBudget(Math.max(token.length, word.length))) add(token);
        }
      }
    }
    return found;
  }

  /**
   * Candidates that match at all, best first: the same answer as rank() over every item (except a whole-phrase typo
   * such as "contosopharma"), found through the index.
   */
  search(query: string): Ranked<T>[] {
    const q = normalize(query);
    const words = q.split(' ').filter(Boolean);
    if (words.length === 0) return [];
    // A match must match every word of the query, so only items found for every word are scored (smallest set first).
    const sets = [...new Set(words)].map((word) => this.candidatesFor(word)).sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    const candidates = [...(smallest ?? [])].filter((index) => others.every((set) => set.has(index)));
    const ranked: Ranked<T>[] = [];
    for (const index of candidates) {
      const item = this.items[index];
      if (item === undefined) continue;
      const score = Math.max(0, ...(this.names[index] ?? []).map((name) => scoreNormalized(q, words, name.text, name.words)));
      if (score > 0) ranked.push({ item, score });
    }
    return ranked.sort((a, b) => b.score - a.score);
  }
}
