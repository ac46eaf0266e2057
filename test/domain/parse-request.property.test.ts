// Properties of the parser over arbitrary input: it never throws, and never invents a principal or a role.
import fc from 'fast-check';
import { clean, parseMessage } from '../../src/domain/parse-request';
import { KNOWN_ROLE_PHRASES, knownRole } from '../../src/domain/role-catalog';
import { foldText } from '../../src/domain/text';

const WORDS = [
  'give', 'grant', 'add', 'remove', 'revoke', 'donne', 'accorde', 'retire', 'à', 'to', 'on', 'in', 'sur', 'de', 'of', 'for', 'as', 'the', 'role', 'rôle', 'le',
  'Alice', 'Bob', 'alice@contoso.com', 'Contoso', "Contoso's", 'prod', 'Dev', 'subscription', "l'abonnement", 'Reader', 'Lecteur', 'Contributor', 'owner',
  'UAA', 'read-only', 'needs', 'a besoin du', 'because', 'parce que', 'until', 'Friday', 'for 8 hours', 'pour', '4', 'heures', 'resource group', 'rg-web',
  'who has access to', 'qui a accès à', 'help', 'aide', '"', '«', '»', "'", '?', '!', ',', '<at>Bot</at>', 'c0000001-5b50-4000-8000-000000000002',
];
const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 14 }).map((words) => words.join(' '));
const anyText = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 120 }), sentence);

/** A role is "in the text" when its words are, or a short form or French name standing for it is. */
function roleIsInText(role: string, text: string): boolean {
  const folded = foldText(text);
  if (folded.includes(foldText(role))) return true;
  return KNOWN_ROLE_PHRASES.some((phrase) => knownRole(phrase) === role && folded.includes(phrase));
}

describe('parseMessage on any input', () => {
  it('when given any text at all, then it answers with a result and never throws', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('en' as const, 'fr' as const), (text, locale) => {
        const parsed = parseMessage(text, locale);
        expect(['grant', 'revoke', 'list', 'status', 'help', 'missing', 'unclear_duration', 'timed_removal', 'several_requests', 'not_understood']).toContain(parsed.kind);
      }),
      { numRuns: 3000 },
    );
  });

  it('when it reads a principal or a role, then that principal and that role are written in the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseMessage(text);
        const found =
          parsed.kind === 'grant' || parsed.kind === 'revoke' || parsed.kind === 'list'
            ? { principal: parsed.principal, role: parsed.role }
            : parsed.kind === 'missing'
              ? { principal: parsed.partial.principal, role: parsed.partial.role }
              : {};
        // Compared with the text less Teams markup (an @mention is not part of what was asked).
        const written = clean(text);
        if (found.principal) expect(foldText(written)).toContain(foldText(found.principal));
        if (found.role) expect(roleIsInText(found.role, written)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('when a grant is read, then its principal, role and target are all non-empty', () => {
    fc.assert(
      fc.property(sentence, (text) => {
        const parsed = parseMessage(text);
        if (parsed.kind !== 'grant') return;
        expect(parsed.principal.trim()).not.toBe('');
        expect(parsed.role.trim()).not.toBe('');
        expect(parsed.targets.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
