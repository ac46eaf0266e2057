// One person's words on another person's screen are words: no live link, no markdown, no HTML, no mention, no layout.
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { accessRequestCard, choiceCard, itemListCard, outcomeNote, relationshipInvitationCard, type AdaptiveCardJson } from '../../src/teams/cards';

const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Seller' };
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada Approver' };
const asAda = { userId: ADA.id, isApprover: true, locale: 'en' as const };
const asSam = { userId: SAM.id, isApprover: false, locale: 'en' as const };

function request(more: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: requestId('9d6f6a4e-1c1b-4e2a-9d55-2f6c1d000001'),
    version: 1,
    state: 'pending_approval',
    action: 'grant',
    requester: SAM,
    locale: 'en',
    customer: { tenantId: tenantId('c0000001-0000-4000-8000-000000000001'), name: 'Contoso' },
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'Contoso Production' },
    scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001',
    principal: { id: principalId('c1000001-0000-4000-8000-000000000001'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', principalType: 'User' },
    role: { definitionId: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader' },
    justification: 'Database migration',
    requiredApprovals: 1,
    approvals: [],
    assignmentName: '6f1d2c3b-4a59-5e68-9a7b-8c9d0e1f2a3b',
    createdAt: '2026-11-25T09:00:00Z',
    updatedAt: '2026-11-25T09:00:00Z',
    ...more,
  };
}

/** Every text a person reads on the card (TextBlocks and facts, nested included). */
function shown(card: AdaptiveCardJson): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'TextBlock' && typeof record.text === 'string') out.push(record.text);
    if (typeof record.title === 'string' && typeof record.value === 'string') out.push(record.value);
    for (const [key, value] of Object.entries(record)) if (key !== 'actions' && key !== 'selectAction') walk(value);
  };
  walk(card.body);
  return out;
}

const factValue = (card: AdaptiveCardJson, title: string): string => {
  const found = JSON.stringify(card.body).match(new RegExp(`"title":"${title}","value":"((?:[^"\\\\]|\\\\.)*)"`));
  return found?.[1] ? (JSON.parse(`"${found[1]}"`) as string) : '';
};

/**
 * Inert in Teams (Adaptive Card markdown and message markdown) and in any renderer that ignores backslash escapes:
 * no HTML tag can open, no link or emphasis can form, nothing a linkifier turns into a link, one line, no direction tricks.
 */
function expectInert(text: string): void {
  expect(text).not.toMatch(/</);
  expect(text).not.toMatch(/(?<!\\)[[\]()*_~`|]/);
  expect(text).not.toMatch(/\]\(/);
  expect(text).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
  expect(text).not.toMatch(/\bwww\./i);
  expect(text).not.toMatch(/[\r\n\t]/);
  expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
}

/** What a linkifier may turn into a link without a scheme ("evil.example/login"); e-mail addresses are left alone. */
const BARE_DOMAIN = /(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,}\b/i;

const HOSTILE = [
  ['a markdown link', '[verify your account](https://evil.example/login)', 'verify your account'],
  ['a markdown link with a title', '[ok](https://evil.example "Microsoft")', 'ok'],
  ['an autolink', '<https://evil.example/login>', 'evil'],
  ['a bare URL', 'see https://evil.example/login now', 'see'],
  ['a www address', 'see www.evil.example now', 'see'],
  ['a bare domain', 'sign in at evil.example/login', 'sign in at'],
  ['bold and italics', '**URGENT** _approve_ ~~now~~ `code`', 'URGENT'],
  ['HTML', '<a href="https://evil.example">click</a> <b>bold</b> <img src=x onerror=alert(1)>', 'click'],
  ['a Teams mention', '<at>Ada Approver</at> approve this', 'approve this'],
  ['a card template expression', '${requestId} ${$root.labels.approve}', 'requestId'],
  ['a fake fact on a new line', 'ok\n\nApproved by: Ada Approver', 'Approved by'],
  ['a list at the start', '- item\n1. item', 'item'],
  ['a right-to-left override', 'harmless\u202Egnp.exe', 'harmless'],
] as const;

describe("another user's text on a card", () => {
  it.each(HOSTILE)("when Sam's justification holds %s, then Ada's approval card shows its words, inert", (_what, text, words) => {
    const card = accessRequestCard(request({ justification: text }), asAda, []);
    const value = factValue(card, 'Justification');
    expect(value).toContain(words);
    expectInert(value);
    expect(value).not.toMatch(BARE_DOMAIN);
    expect(value).not.toContain('9d6f6a4e'); // a template expression in the text is not expanded
  });

  it.each(HOSTILE)("when Ada's reject comment holds %s, then Sam's card and the message he gets show its words, inert", (_what, text, words) => {
    const rejected = request({ state: 'rejected', rejection: { by: ADA, at: '2026-11-25T09:05:00Z', comment: text } });
    const note = outcomeNote(rejected, 'en');
    expect(note).toContain(words);
    expectInert(note.replace(/^Rejected by Ada Approver: "/, '').replace(/"$/, ''));
    expect(note).not.toMatch(BARE_DOMAIN);
    for (const line of shown(accessRequestCard(rejected, asSam, []))) if (line.includes(words)) expectInert(line.replace(/^.*?: "/, '').replace(/"$/, ''));
  });

  it.each(HOSTILE)('when a name from a directory holds %s, then every card fact with it is inert', (_what, text) => {
    const card = accessRequestCard(
      request({ principal: { ...request().principal, displayName: text }, requester: { id: SAM.id, name: text }, subscription: { ...request().subscription, name: text }, customer: { ...request().customer, name: text }, role: { ...request().role, name: text } }),
      asAda,
      [],
    );
    for (const title of ['User', 'Role', 'Customer', 'Subscription', 'Requested by']) expectInert(factValue(card, title).replace(/ \([^()]*\)$/, ''));
  });

  it('when the text is ordinary, then it reads as written', () => {
    const card = accessRequestCard(request({ justification: "Migration of Contoso's DB, ticket INC-42 (phase 2) — 50% done; bob@contoso.com agrees" }), asAda, []);
    // Escaped characters read as themselves in Teams (backslash escapes); the words and the e-mail address stay.
    expect(factValue(card, 'Justification').replace(/\\(.)/g, '$1')).toBe("Migration of Contoso's DB, ticket INC-42 (phase 2) — 50% done; bob@contoso.com agrees");
    expect(factValue(card, 'User')).toBe('Alice Martin (alice@contoso.onmicrosoft.com)');
  });

  it('when choice and list cards show directory names, then those are inert too', () => {
    const choice = choiceCard('Which one?', [{ id: 'x', label: '[Alice](https://evil.example)', detail: '<b>alice@contoso.com</b>' }], 'hint');
    for (const line of shown(choice)) if (line !== 'Which one?' && line !== 'hint') expectInert(line);
    const list = itemListCard({ title: 'Who has access', empty: 'none', items: [{ heading: '[Alice](https://evil.example) — Reader', detail: '**requested** by <at>Sam</at>' }] });
    for (const line of shown(list)) expectInert(line);
  });

  it('when a customer name on the relationship invitation is hostile, then the card shows it inert and our own link stays a link', () => {
    const card = relationshipInvitationCard({ customer: { name: '[Contoso](https://evil.example)' }, mode: 'reseller', url: 'https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship' }, 'en');
    const lines = shown(card);
    for (const line of lines) expect(line).not.toContain('](https://evil');
    expect(JSON.stringify(card)).toContain('https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship');
  });
});
