// The corpus: every utterance in test/fixtures/utterances.{en,fr}.json read as its expected structured request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage, type ParsedMessage } from '../../src/domain/parse-request';

interface Expected {
  kind: ParsedMessage['kind'];
  principal?: string;
  role?: string;
  customer?: string;
  subscription?: string;
  resourceGroup?: string;
  duration?: string;
  justification?: string;
  ticket?: string;
  missing?: string;
  which?: string;
}

const corpus = (language: 'en' | 'fr'): [string, Expected][] =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', `utterances.${language}.json`), 'utf8')) as { text: string; expect: Expected }[]).map((u) => [u.text, u.expect]);

/** What a parsed message says, in the corpus's terms (first target reading; duration by its words). */
function observed(parsed: ParsedMessage): Expected {
  const seen: Expected = { kind: parsed.kind };
  if (parsed.kind === 'grant' || parsed.kind === 'revoke' || parsed.kind === 'list') {
    if (parsed.principal !== undefined) seen.principal = parsed.principal;
    if (parsed.role !== undefined) seen.role = parsed.role;
    const first = parsed.targets[0];
    if (first) {
      seen.customer = first.customer;
      if (first.subscription !== undefined) seen.subscription = first.subscription;
    }
    if (parsed.resourceGroup) seen.resourceGroup = parsed.resourceGroup;
  }
  if (parsed.kind === 'grant') {
    if (parsed.duration) seen.duration = parsed.duration.text;
    if (parsed.justification) seen.justification = parsed.justification;
    if (parsed.ticket) seen.ticket = parsed.ticket;
  }
  if (parsed.kind === 'missing') seen.missing = parsed.missing;
  if (parsed.kind === 'status') seen.which = parsed.which;
  return seen;
}

describe.each(['en', 'fr'] as const)('the %s corpus', (language) => {
  const cases = corpus(language);

  it('when counted, then it holds at least 150 utterances', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases)('when an agent writes %j, then it is read as expected', (text, expected) => {
    const parsed = parseMessage(text, language === 'fr' ? 'en' : 'fr');
    expect(observed(parsed)).toEqual(expected);
    if (['grant', 'revoke', 'list', 'status', 'missing'].includes(expected.kind)) expect(parsed.locale).toBe(language);
  });
});
