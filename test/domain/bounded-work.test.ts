// Bounded work per message: a hostile word or a flood of words costs what a normal message costs, and is answered.
import { NameIndex } from '../../src/domain/name-index';
import { MAX_MESSAGE_CHARS, parseMessage } from '../../src/domain/parse-request';

const CUSTOMERS = ['Contoso', 'Contoso Pharma', 'Fabrikam', 'Northwind Traders', 'Tailspin Toys', 'Wingtip Toys'];

/** A word of `length` letters with no repeating pattern (so no two of its typo variants are alike). */
const hostileWord = (length: number): string => Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3)) % 26]).join('');

describe('bounded work per message', () => {
  const index = new NameIndex(CUSTOMERS.map((name) => ({ name })), (c) => [c.name]);

  // No timing assertion: a search that built typo variants for such a word would not come back within jest's timeout
  // (1,000 letters: half a million variants of ~1,000 characters each).
  it('when a search word is 1,000 letters long, then the index answers "nothing" without building typo variants', () => {
    expect(index.search(hostileWord(1_000))).toEqual([]);
    expect(index.pick(`contoso ${hostileWord(1_000)}`)).toEqual({ kind: 'none', suggestions: [] });
  }, 5_000);

  it('when a search word has a typo and a sane length, then typo matches still work', () => {
    expect(index.search('Contsoo').map((r) => r.item.name)).toContain('Contoso');
    expect(index.search('Fabrikma').map((r) => r.item.name)).toEqual(['Fabrikam']);
  });

  it('when a message is longer than the cap, then it is not parsed but answered "too long", in its language', () => {
    expect(parseMessage(`give Morgan Lee Reader on ${hostileWord(10_000)}`)).toEqual({ kind: 'message_too_long', locale: 'en', maxChars: MAX_MESSAGE_CHARS });
    expect(parseMessage(`donne à Morgan Lee le rôle Lecteur sur ${hostileWord(10_000)}`)).toMatchObject({ kind: 'message_too_long', locale: 'fr' });
  });

  it('when a message is just under the cap, then it is read as usual', () => {
    const reason = 'x'.repeat(MAX_MESSAGE_CHARS - 80);
    expect(parseMessage(`give Alice Reader on Contoso prod because ${reason}`)).toMatchObject({ kind: 'grant', principal: 'Alice', justification: reason });
  });
});
