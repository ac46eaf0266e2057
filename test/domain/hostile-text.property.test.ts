// Hostile and random text: never a grant broader than the text (a stated limit is kept or asked back), never a live link.
import fc from 'fast-check';
import { parseMessage } from '../../src/domain/parse-request';
import { inertName, inertText } from '../../src/teams/user-text';

const LIMITS = ['for 8 hours', 'for eleven hours', 'pour onze heures', 'for 1h30', 'pendant 90 minutes', 'for PT8H', 'until Friday 18:00', "jusqu'à vendredi 18 h", 'for a dozen hours', 'pour une demi-heure'];
const HOSTILE = [
  '[verify](https://evil.example)', '**x**', '<b>x</b>', '<at>Ada</at>', 'Le\u0301a', 'Ж丁', 'x'.repeat(40), 'https://evil.example', 'www.evil.example',
  'prod', 'Contoso', 'de', 'of', 'on', 'sur', 'resource group rg-web', 'because', 'parce que', 'for', 'pour', 'until', 'INC123', '"', '«', '»', "'", '\n',
];
const junk = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 })), { maxLength: 6 }).map((parts) => parts.join(' '));

describe('hostile text', () => {
  it('when a request states a time limit, then whatever surrounds it, the result is never a grant without a limit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LIMITS), junk, junk, fc.boolean(), (limit, before, after, french) => {
        const head = french ? `donne à Alice le rôle Lecteur sur Contoso prod ${before}` : `give Alice Reader on Contoso prod ${before}`;
        const parsed = parseMessage(`${head} ${limit} ${after}`);
        if (parsed.kind === 'grant') expect(parsed.duration).toBeDefined();
        if (parsed.kind === 'missing' && parsed.action === 'grant') expect(parsed.partial.duration).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('when any text is made inert, then no link, tag, emphasis or second line can come out of it', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (text) => {
        for (const shown of [inertText(text), inertName(text)]) {
          expect(shown).not.toMatch(/<|\]\(|[a-z][a-z0-9+.-]*:\/\/|\bwww\.|[\r\n]/i);
          expect(shown).not.toMatch(/(?<!\\)[[\]()*_~`|]/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
