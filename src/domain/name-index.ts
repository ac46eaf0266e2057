// An index over names (customers, roles) so a lookup touches the few candidates, not every entry; same scores as rank().
import { MIN_PREFIX, normalize, pickOne, scoreNormalized, typoBudget, withinEdits, type Pick, type Ranked } from './matching';

/** The longest token given typo variants: names people type, not long ids. */
const MAX_TYPO_TOKEN = 15;
/**
 * The longest query word looked up by its typo variants: a word further than the typo budget (2) from every indexed
 * token's length cannot be within it, so longer words skip the variants (which cost the cube of the word's length)
 * and lose nothing.
 */
export const MAX_TYPO_WORD = MAX_TYPO_TOKEN + 2;

/** Tokens worth typo-indexing: words people type, not domains, e-mail addresses, ids or very long strings. */
const typoIndexable = (token: string): boolean => token.length >= 4 && token.length <= MAX_TYPO_TOKEN && !/[.@]/.test(token) && !/\d.*-|-.*\d/.test(token);

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

const EMPTY: readonly number[] = [];

/** Query words whose tokens are remembered per index (then forgotten all at once). */
const WORDS_REMEMBERED = 4096;

interface IndexedName {
  readonly text: string;
  readonly words: readonly string[];
}

/**
 * Lookups cost what they find, not the size of the directory:
 * - an exact name is one hash lookup (`exact`);
 * - a query word's tokens (whole, prefix range over sorted tokens, SymSpell typo variants) are found per token, and
 *   only the rarest word's postings are walked; the other words are checked on each candidate's own few tokens;
 * - pick() answers "one / several / none" the way pickOne(search()) does, but stops as soon as the answer is known
 *   (an exact name, or two whole-word matches), and lists ambiguous candidates only if someone reads them.
 */
/** Everything an index knows about the names; shared by indexes over different items with the same names. */
class IndexStructure {
  /** Each item's names, normalized once, with their words. */
  readonly names: IndexedName[][];
  /** Each item's distinct tokens over all its names (a handful), to test a candidate against a query word. */
  readonly tokens: string[][];
  /** Token → items having it, in item order (ascending, no repeats). */
  readonly postings = new Map<string, number[]>();
  /** Whole normalized name → items having exactly that name. */
  readonly exact = new Map<string, number[]>();
  readonly sortedTokens: string[];
  /** Deletion variants (SymSpell): a variant → the tokens it comes from; finds tokens within the typo budget. */
  readonly variants = new Map<string, string[]>();
  /** Per-search "already a candidate" marks; a fresh stamp per search instead of a new Set (searches are synchronous). */
  readonly seen: Uint32Array;
  private stamp = 0;
  /** Query word → the tokens it could stand for (words recur: across the readings of one phrase, across requests). */
  readonly tokensOfWord = new Map<string, ReadonlySet<string>>();

  constructor(namesPerItem: readonly (readonly (string | undefined)[])[]) {
    this.names = namesPerItem.map((names) =>
      names
        .filter((n): n is string => Boolean(n))
        .map((n) => {
          const text = normalize(n);
          return { text, words: text.split(' ') };
        }),
    );
    this.tokens = this.names.map((names) => [...new Set(names.flatMap((name) => name.words).filter(Boolean))]);
    this.tokens.forEach((tokens, index) => {
      for (const token of tokens) {
        const list = this.postings.get(token);
        if (!list) this.postings.set(token, [index]);
        else list.push(index);
      }
    });
    this.names.forEach((names, index) => {
      for (const { text } of names) {
        if (!text) continue;
        const list = this.exact.get(text);
        if (!list) this.exact.set(text, [index]);
        else if (list[list.length - 1] !== index) list.push(index);
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
    this.seen = new Uint32Array(this.names.length);
  }

  nextStamp(): number {
    this.stamp = this.stamp === 0xffffffff ? 1 : this.stamp + 1;
    if (this.stamp === 1) this.seen.fill(0);
    return this.stamp;
  }
}

/**
 * Lookups cost what they find, not the size of the directory:
 * - an exact name is one hash lookup (`exact`);
 * - a query word's tokens (whole, prefix range over sorted tokens, SymSpell typo variants) are found per token, and
 *   only the rarest word's postings are walked; the other words are checked on each candidate's own few tokens;
 * - pick() answers "one / several / none" the way pickOne(search()) does, but stops as soon as the answer is known
 *   (an exact name, or two whole-word matches), and lists ambiguous candidates only if someone reads them.
 */
export class NameIndex<T> {
  private readonly s: IndexStructure;

  /** `sameNamesAs`: an index whose items have the same names in the same order; its structure is reused, not rebuilt. */
  constructor(
    private readonly items: readonly T[],
    namesOf: (item: T) => readonly (string | undefined)[],
    sameNamesAs?: NameIndex<unknown>,
  ) {
    if (sameNamesAs && sameNamesAs.items.length !== items.length) throw new Error('NameIndex: sameNamesAs has a different number of items');
    this.s = sameNamesAs ? sameNamesAs.s : new IndexStructure(items.map(namesOf));
  }

  /**
   * The same index over other items with the same names in the same order (a subscription's role definitions carry
   * its own ids, but their names are those of every other subscription's): nothing is rebuilt.
   */
  withItems<U>(items: readonly U[]): NameIndex<U> {
    return new NameIndex<U>(items, () => [], this as NameIndex<unknown>);
  }

  get size(): number {
    return this.items.length;
  }

  /** Every item, in the order given. */
  get all(): readonly T[] {
    return this.items;
  }

  /** Tokens that `word` could stand for: itself, tokens it starts (3+ letters), tokens within the typo budget (4+). */
  private tokensFor(word: string): ReadonlySet<string> {
    const known = this.s.tokensOfWord.get(word);
    if (known) return known;
    const found = this.findTokens(word);
    if (this.s.tokensOfWord.size >= WORDS_REMEMBERED) this.s.tokensOfWord.clear();
    this.s.tokensOfWord.set(word, found);
    return found;
  }

  private findTokens(word: string): Set<string> {
    const found = new Set<string>();
    if (this.s.postings.has(word)) found.add(word);
    if (word.length >= MIN_PREFIX) {
      for (let i = binarySearch(this.s.sortedTokens, word); i < this.s.sortedTokens.length; i++) {
        const token = this.s.sortedTokens[i] ?? '';
        if (!token.startsWith(word)) break;
        found.add(token);
      }
    }
    if (word.length >= 4 && word.length <= MAX_TYPO_WORD) {
      const budget = typoBudget(word.length + 2);
      for (const variant of [word, ...deletions(word, budget)]) {
        for (const token of this.s.variants.get(variant) ?? []) {
          if (withinEdits(token, word, typoBudget(Math.max(token.length, word.length)))) found.add(token);
        }
      }
    }
    return found;
  }

  private postingsSize(tokens: ReadonlySet<string>): number {
    let size = 0;
    for (const token of tokens) size += this.s.postings.get(token)?.length ?? 0;
    return size;
  }

  private hasAnyToken(index: number, tokens: ReadonlySet<string>): boolean {
    for (const token of this.s.tokens[index] ?? []) if (tokens.has(token)) return true;
    return false;
  }

  private scoreOf(index: number, q: string, words: readonly string[]): number {
    let best = 0;
    for (const name of this.s.names[index] ?? []) {
      const score = scoreNormalized(q, words, name.text, name.words);
      if (score > best) best = score;
    }
    return best;
  }

  /**
   * Candidates that match at all, best first (equal scores in directory order): the same answer as rank() over every
   * item (except a whole-phrase typo such as "contosopharma"), found through the index.
   */
  search(query: string): Ranked<T>[] {
    const q = normalize(query);
    const words = q.split(' ').filter(Boolean);
    if (words.length === 0) return [];
    // A match must match every word of the query: walk the postings of the word with the fewest, test the others
    // on each candidate's own tokens (the same set as intersecting every word's candidates, without building them).
    const perWord = [...new Set(words)].map((word) => this.tokensFor(word));
    let rarest = 0;
    let rarestSize = Infinity;
    perWord.forEach((tokens, i) => {
      const size = this.postingsSize(tokens);
      if (size < rarestSize) {
        rarest = i;
        rarestSize = size;
      }
    });
    const others = perWord.filter((_, i) => i !== rarest);
    const stamp = this.s.nextStamp();
    const scored: { index: number; score: number }[] = [];
    for (const token of perWord[rarest] ?? []) {
      for (const index of this.s.postings.get(token) ?? EMPTY) {
        if (this.s.seen[index] === stamp) continue;
        this.s.seen[index] = stamp;
        if (!others.every((tokens) => this.hasAnyToken(index, tokens))) continue;
        const score = this.scoreOf(index, q, words);
        if (score > 0) scored.push({ index, score });
      }
    }
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    return scored.map(({ index, score }) => ({ item: this.items[index] as T, score }));
  }

  /**
   * pickOne(search(query)), answered early where the answer is already certain:
   * - exactly one item named `query` exactly → that one (every other item scores 0.9 at best, a clear lead);
   * - no exact name, and two or more items with every query word as a whole word of one name → several (0.9 each);
   *   their list is built only if read (a one-word reading like "Blue" can match a twentieth of all customers);
   * - no exact name and exactly one such item → that one (everything else scores 0.75 at best).
   * Anything else (several exact names, only prefix or typo matches, nothing) goes through search().
   */
  pick(query: string): Pick<T> {
    const q = normalize(query);
    const words = [...new Set(q.split(' ').filter(Boolean))];
    if (words.length === 0) return pickOne<T>([]);
    const exact = this.s.exact.get(q);
    if (exact?.length === 1) return { kind: 'one', item: this.items[exact[0] as number] as T };
    if (exact === undefined) {
      const lists = words.map((word) => this.s.postings.get(word) ?? EMPTY).sort((a, b) => a.length - b.length);
      const [shortest = EMPTY, ...rest] = lists;
      let first: number | undefined;
      let several = false;
      for (const index of shortest) {
        if (!rest.every((list) => hasSorted(list, index))) continue;
        // Every word is a token of the item; a whole-word (0.9) match needs them all in one of its names.
        if ((this.s.names[index] ?? []).every((name) => !words.every((word) => name.words.includes(word)))) continue;
        if (first === undefined) first = index;
        else {
          several = true;
          break;
        }
      }
      if (several) {
        let listed: readonly T[] | undefined;
        const list = (): readonly T[] => {
          if (listed === undefined) {
            const all = pickOne(this.search(query));
            listed = all.kind === 'many' ? all.candidates : [];
          }
          return listed;
        };
        return {
          kind: 'many',
          get candidates(): readonly T[] {
            return list();
          },
        };
      }
      if (first !== undefined) return { kind: 'one', item: this.items[first] as T };
    }
    return pickOne(this.search(query));
  }
}

/** Whether an ascending list holds `value` (binary search). */
function hasSorted(list: readonly number[], value: number): boolean {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return list[low] === value;
}
