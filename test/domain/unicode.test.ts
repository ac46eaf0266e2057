// Decomposed accents (as macOS and some keyboards send them) read the same as composed ones.
import { parseMessage } from '../../src/domain/parse-request';

describe('decomposed Unicode', () => {
  it.each([
    ['give Le\u0301a Reader on Contoso prod', 'L\u00e9a'],
    ['donne à Chloe\u0301 Lefe\u0300vre le ro\u0302le Lecteur sur Contoso prod', 'Chlo\u00e9 Lef\u00e8vre'],
  ])('when %j is written with combining accents, then the name is read in its composed form', (text, principal) => {
    expect(parseMessage(text)).toMatchObject({ kind: 'grant', principal, role: 'Reader' });
  });

  it('when the French words themselves are decomposed ("jusqu\'a\u0300", "re\u0301voque"), then they are understood', () => {
    expect(parseMessage('donne à Alice le rôle Lecteur sur Contoso prod jusqu\'a\u0300 vendredi')).toMatchObject({ kind: 'grant', duration: { kind: 'until', day: { weekday: 5 } } });
    expect(parseMessage('re\u0301voque le rôle Lecteur de Bob sur Contoso prod')).toMatchObject({ kind: 'revoke', locale: 'fr', role: 'Reader' });
  });
});
