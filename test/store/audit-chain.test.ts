// The canonical form the audit hashes are computed over: stable, documented, and reproducible outside this code.
import { canonicalJson } from '../../src/store/audit-chain';

describe('canonicalJson', () => {
  it.each([
    ['keys sorted at every depth', { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }, '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}'],
    ['integer-like keys sorted as text', { 10: 'a', 9: 'b', x: 'c' }, '{"10":"a","9":"b","x":"c"}'],
    ['undefined members left out, undefined in arrays as null', { a: undefined, b: [undefined, 1] }, '{"b":[null,1]}'],
    ['non-finite numbers as null', { n: Number.NaN, i: Number.POSITIVE_INFINITY }, '{"i":null,"n":null}'],
    ['strings escaped as JSON', { s: 'é "q" \n \u2028' }, '{"s":"é \\"q\\" \\n \u2028"}'],
    ['dates through toJSON', { at: new Date('2025-03-01T09:00:00Z') }, '{"at":"2025-03-01T09:00:00.000Z"}'],
    ['null', null, 'null'],
  ])('when given %s, then it is written canonically', (_what, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('when the same object is built in another key order, then the text is the same', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(canonicalJson({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('when a value is cyclic or a BigInt, then it throws rather than store something unverifiable', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(/BigInt/);
  });
});
