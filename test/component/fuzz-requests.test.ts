// Fuzzing the running bot as its users do: Sam sends generated requests (EN/FR, number words, limits, reasons full of
// links, markup, mentions and long words) through the real endpoint to the sandbox; each is answered, a draft is what
// the words asked or the bot asks back, and nothing Sam or an approver typed reaches the other as a live link or tag.
import fc from 'fast-check';
import { frenchRoleName } from '../../src/domain/role-catalog';
import { messagesFor } from '../../src/i18n';
import { inertName } from '../../src/teams/user-text';
import { cardOf, cardText, type CardJson, type SentActivity } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';
import { EVIL_HOST, HOSTILE_TOKENS, requests } from '../domain/fuzz-text';

/** The card's facts by their English or French title ("Subscription" / "Abonnement"), as the reader sees them. */
function factsOf(card: CardJson): (key: 'user' | 'role' | 'subscription' | 'scope' | 'justification' | 'until') => string | undefined {
  const facts = new Map<string, string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as { facts?: unknown };
    if (Array.isArray(record.facts)) for (const f of record.facts as { title?: unknown; value?: unknown }[]) if (typeof f.title === 'string' && typeof f.value === 'string') facts.set(f.title, f.value);
    Object.values(node).forEach(walk);
  };
  walk(card.body);
  return (key) => facts.get(messagesFor('en').card[key]) ?? facts.get(messagesFor('fr').card[key]);
}

/** What a person reads in one activity: its text and its card's text. */
const readOf = (activity: SentActivity): string => `${activity.body.text ?? ''}\n${cardText(cardOf(activity))}`;

/**
 * Another person's words, as shown: no live link (every hostile link in these tests points at EVIL_HOST, so the host
 * written plainly means a link a client could follow), no HTML tag, no Teams mention, no markdown link.
 */
function expectInert(shown: string): void {
  expect(shown).not.toContain(EVIL_HOST);
  expect(shown).not.toMatch(/<\/?(?:a|script|img|at|b)\b/i);
  expect(shown).not.toContain('](');
}

describe('fuzzing the bot through its endpoint', () => {
  let h: Harness;
  const { opts, posts } = conversation(() => h);
  const since = (who: TeamsUser, count: number): SentActivity[] => h.connector.to(who.conversationId).slice(count);

  beforeAll(async () => {
    // Sam sends 30 messages in a row: the per-user limit (20 per 10 minutes by default) is raised so each one is read.
    h = await startHarness({ RATE_LIMIT: '100/10m' });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  }, 60_000);
  afterAll(async () => h.stop());

  it('when Sam sends generated requests for Contoso, then each is answered, each draft is what he asked or he is asked back, and the approvers and Sam read each other\'s words inert', async () => {
    let drafts = 0;
    await fc.assert(
      fc.asyncProperty(requests({ customers: ['Contoso'] }), fc.constantFrom(...HOSTILE_TOKENS.slice(0, 12)), async (asked, comment) => {
        // Act: Sam asks
        const before = { sam: h.connector.to(SAM.conversationId).length, ada: h.connector.to(ADA.conversationId).length, alex: h.connector.to(ALEX.conversationId).length };
        const answer = await h.post(messageFrom(SAM, asked.text, { ...opts(), locale: asked.locale === 'fr' ? 'fr-FR' : 'en-US' }));

        // Assert: answered (within the test's timeout: the hang guard), never with a server error
        expect(answer.status).toBe(200);
        const toSam = since(SAM, before.sam);
        expect(toSam.length).toBeGreaterThan(0);
        const draft = toSam
          .map((a) => cardOf(a))
          .filter((c): c is CardJson => Boolean(c))
          .find((c) => c.actions?.some((a) => a.verb === 'confirm'));
        if (!draft) return;
        drafts++;

        // A draft: who, what and where as the words said; a stated limit has an end; stated reasons or ticket are shown
        const fact = factsOf(draft);
        expect(asked.limit?.kind).not.toBe('unreadable');
        expect(fact('user')).toContain(inertName(asked.user.userPrincipalName));
        // (a French card names a built-in role the French portal's way, Azure's own name in brackets)
        const french = asked.locale === 'fr' ? frenchRoleName(asked.role) : undefined;
        expect(fact('role')).toBe(french ? `${french} (${asked.role})` : asked.role);
        expect(fact('subscription')).toContain(asked.subscriptionId);
        expect(fact('scope')).toBe(asked.resourceGroup ? inertName(`resourceGroups/${asked.resourceGroup}`) : undefined);
        expect(fact('until') !== undefined).toBe(asked.limit !== undefined);
        // (a ticket alone stands as the justification)
        expect(fact('justification') !== undefined).toBe(asked.justification !== undefined || asked.ticket !== undefined);
        expectInert(fact('justification') ?? '');

        // Act: Sam confirms; the approvers are asked, Ada rejects with a comment of her own
        const requestId = draft.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
        expect(typeof requestId).toBe('string');
        await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
        await h.bot.idle();
        const samBeforeReject = h.connector.to(SAM.conversationId).length;
        const rejected = await h.post(actionFrom(ADA, 'reject', { requestId, comment: `no: ${comment}` }, opts()));
        await h.bot.idle();

        // Assert: what each approver read of Sam's words, and what Sam read of Ada's, is inert
        expect(rejected.status).toBe(200);
        for (const shown of [...since(ADA, before.ada), ...since(ALEX, before.alex)].map(readOf)) expectInert(shown);
        const toSamAfter = since(SAM, samBeforeReject).map(readOf);
        expect(toSamAfter.join('\n')).toMatch(/Ada Approver/);
        for (const shown of toSamAfter) expectInert(shown);
      }),
      { numRuns: 30 },
    );
    // Every message was answered, and some became drafts that reached the approvers (the odds of none are about 1 in 10^5)
    expect(posts(SAM).length).toBeGreaterThanOrEqual(30);
    expect(drafts).toBeGreaterThan(0);
  }, 120_000);
});
