// The index is a faster way to the same answer: pick() and search() agree with rank() + pickOne() over every item.
import fc from 'fast-check';
import { pickOne, rank, type Pick } from '../../src/domain/matching';
import { NameIndex } from '../../src/domain/name-index';

interface Item {
  readonly id: number;
  readonly name: string;
  readonly domain: string;
}

// A small vocabulary so that names collide, share words and prefixes, and sit a typo apart.
const WORDS = ['Blue', 'Blues', 'Blu', 'Logistics', 'Logistic', 'Ltd', 'Contoso', 'Contoso Pharma', 'Contso', 'Pharma', 'Farms', 'Fabrikam', 'Fabrikan', 'Énergie', 'Energie', '42', '420', '7', 'Dev', 'Production'];
const namesOf = (item: Item): string[] => [item.name, item.domain];

const items = fc
  .array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 })
  .map((names) => names.map((words, id): Item => ({ id, name: words.join(' '), domain: `${words[0]?.toLowerCase() ?? 'x'}${id % 3}.onmicrosoft.com` })));
const query = fc.oneof(
  fc.array(fc.constantFrom(...WORDS, 'blue', 'contoso pharma', 'con', 'logist', 'blue0.onmicrosoft.com', 'Prod'), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
  fc.string({ maxLength: 12 }),
);

/** The same decision, with several candidates compared as a set (equal scores may come in another order). */
function decision<T extends Item>(pick: Pick<T>): unknown {
  if (pick.kind === 'one') return { kind: 'one', id: pick.item.id };
  if (pick.kind === 'many') return { kind: 'many', ids: pick.candidates.map((c) => c.id).sort((a, b) => a - b) };
  return { kind: 'none' };
}

describe('NameIndex', () => {
  it('when asked for one candidate, then it decides as pickOne over rank() of every item: the same one, the same several, or none', () => {
    fc.assert(
      fc.property(items, query, (list, q) => {
        const index = new NameIndex(list, namesOf);
        expect(decision(index.pick(q))).toEqual(decision(pickOne(rank(q, list, namesOf))));
      }),
      { numRuns: 3000 },
    );
  });

  it('when searching, then it finds the candidates rank() finds (a whole-phrase typo aside), with the same scores', () => {
    fc.assert(
      fc.property(items, query, (list, q) => {
        const index = new NameIndex(list, namesOf);
        const found = index.search(q).map((r) => [r.item.id, r.score]);
        const expected = rank(q, list, namesOf).filter((r) => found.some(([id]) => id === r.item.id) || r.score > 0.6).map((r) => [r.item.id, r.score]);
        expect([...found].sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([...expected].sort((a, b) => (a[0] as number) - (b[0] as number)));
        expect(decision(index.pick(q))).toEqual(decision(pickOne(index.search(q))));
      }),
      { numRuns: 3000 },
    );
  });

  it('when reused over other items with the same names, then it answers with those items', () => {
    const first = [{ id: 1, name: 'Reader', domain: 'a' }, { id: 2, name: 'Contributor', domain: 'b' }];
    const second = [{ id: 3, name: 'Reader', domain: 'a' }, { id: 4, name: 'Contributor', domain: 'b' }];
    const shared = new NameIndex(first, namesOf).withItems(second);
    expect(decision(shared.pick('reader'))).toEqual({ kind: 'one', id: 3 });
    expect(shared.search('contrib').map((r) => r.item.id)).toEqual([4]);
    expect(() => new NameIndex(first, namesOf).withItems([second[0]])).toThrow();
  });
});
