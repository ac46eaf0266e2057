// Words as people read them: counts in the right form, services by their names, French spacing, examples that work,
// dates in the reader's zone and language — in both languages, over every message the bot has.
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import { parseMessage } from '../../src/domain/parse-request';
import { en, type Messages } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { accessRequestCard, type AdaptiveCardJson } from '../../src/teams/cards';
import { requestListCard } from '../../src/teams/list-cards';

const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Seller' };
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada Approver' };

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
    requiredApprovals: 1,
    approvals: [],
    assignmentName: '6f1d2c3b-4a59-5e68-9a7b-8c9d0e1f2a3b',
    createdAt: '2026-10-21T14:05:00.000Z',
    updatedAt: '2026-10-21T14:05:00.000Z',
    ...more,
  };
}

/** Every text a person reads on a card (TextBlocks and facts, nested included). */
function shown(card: AdaptiveCardJson): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.text === 'string') out.push(record.text);
    if (typeof record.title === 'string' && typeof record.value === 'string') out.push(`${record.title}: ${record.value}`);
    for (const [key, value] of Object.entries(record)) if (key !== 'actions') walk(value);
  };
  walk(card.body);
  return out;
}

/** A stand-in for any argument: reads as "Xx", counts as a number (NaN), joins like a list, so every message can be written. */
const anyArgument = Object.assign(new String('Xx'), { join: (separator: string) => ['Xx', 'Yy'].join(separator) });

/** Every sentence of a language, each function called with stand-in arguments, with its key path. */
function everySentence(messages: Messages): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') out.push([path, node]);
    else if (typeof node === 'function') out.push([path, String((node as (...args: unknown[]) => unknown)(...Array.from({ length: 6 }, () => anyArgument)))]);
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) walk(value, path ? `${path}.${key}` : key);
  };
  walk(messages, '');
  return out;
}

/** The shape of a language's messages: key paths and kinds, array lengths included. */
function shape(node: unknown, path = ''): string[] {
  if (Array.isArray(node)) return [`${path}[${node.length}]`, ...node.flatMap((item, i) => shape(item, `${path}[${i}]`))];
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => shape(value, path ? `${path}.${key}` : key)).sort();
  return [`${path}:${typeof node}`];
}

describe('words for people', () => {
  it('when French is compared with English, then it has the same keys, kinds and list lengths', () => {
    expect(shape(fr)).toEqual(shape(en));
  });

  describe('counts', () => {
    it.each([
      [en, 1, 'for at most 1 hour.'],
      [en, 2, 'for at most 2 hours.'],
      [fr, 1, 'pour 1\u00a0heure au plus.'],
      [fr, 1.5, 'pour 1,5\u00a0heure au plus.'],
      [fr, 2, 'pour 2\u00a0heures au plus.'],
    ] as const)('when the policy allows %#, then the limit is written with the noun in the form the number takes', (m, hours, expected) => {
      expect(m.policy.too_long('Owner', 'Contoso', hours)).toContain(expected);
    });

    it.each([
      [en, 0, '0 days'],
      [en, 1, '1 day'],
      [en, 14, '14 days'],
      [fr, 0, '0\u00a0jour'],
      [fr, 1, '1\u00a0jour'],
      [fr, 14, '14\u00a0jours'],
    ] as const)('when a relationship request has waited, then the days are counted in words (%#)', (m, days, expected) => {
      expect(m.relationship.days(days)).toBe(expected);
      expect(m.relationship.reminder('Northwind', days)).toContain(expected);
      expect(m.relationship.expired('Northwind', days)).toContain(expected);
    });

    it('when a list counts role assignments, then one is singular in both languages and zero too in French', () => {
      expect([0, 1, 2].map(en.lists.accessSubtitle)).toEqual(['0 role assignments in force', '1 role assignment in force', '2 role assignments in force']);
      expect([0, 1, 2].map(fr.lists.accessSubtitle)).toEqual(['0\u00a0attribution de rôle en vigueur', '1\u00a0attribution de rôle en vigueur', '2\u00a0attributions de rôle en vigueur']);
    });

    it('when a message is too long, then the limit is a number written the language\'s way', () => {
      expect(en.messageTooLong(4000)).toContain('(more than 4,000 characters)');
      expect(fr.messageTooLong(4000)).toContain('(plus de 4\u202f000\u00a0caractères)');
    });

    it('when a request needs two approvals and has one, then the card says "1 of 2" with who approved, in the viewer\'s language', () => {
      const halfway = request({ requiredApprovals: 2, approvals: [{ by: ADA, at: '2026-10-21T14:10:00.000Z' }] });
      expect(shown(accessRequestCard(halfway, { userId: SAM.id, isApprover: false, locale: 'en' }, []))).toContain('Approvals: 1 of 2 — Ada Approver');
      expect(shown(accessRequestCard(halfway, { userId: SAM.id, isApprover: false, locale: 'fr' }, []))).toContain('Approbations: 1 sur 2 — Ada Approver');
    });
  });

  describe('services', () => {
    const RAW = /PartnerCenter|\bARM\b|(?<!Microsoft )\b(?:Graph|Entra)\b/;

    it('when Partner Center does not answer, then the answer names it as people do, never by its identifier', () => {
      expect(en.cloudUnavailable('PartnerCenter')).toBe('Partner Center did not answer just now. Nothing was changed; please try again in a minute.');
      expect(fr.cloudUnavailable('PartnerCenter')).toBe("L'Espace partenaires ne répond pas pour le moment. Rien n'a été modifié\u00a0; réessayez dans une minute.");
    });

    it.each(['PartnerCenter', 'Graph', 'ARM', 'Entra'])('when %s fails or refuses, then neither language shows the identifier', (service) => {
      for (const m of [en, fr]) {
        expect(m.cloudUnavailable(service)).not.toMatch(RAW);
        expect(m.readiness.refused('Contoso', service, 'AuthorizationFailed')).not.toMatch(RAW);
      }
    });

    it('when Azure Resource Manager refuses the bot, then whoever fixes it is told which service: its full name', () => {
      expect(en.cloudUnavailable('ARM')).toMatch(/^Azure did not answer/);
      expect(en.readiness.refused('Contoso', 'ARM', 'AuthorizationFailed')).toMatch(/^Azure Resource Manager refused the bot for Contoso \(AuthorizationFailed\)/);
      expect(fr.readiness.refused('Contoso', 'Graph', 'Authorization_RequestDenied')).toMatch(/^Microsoft Graph a refusé l'accès au bot pour Contoso/);
      expect(fr.readiness.refused('', 'PartnerCenter', '403')).toMatch(/^L'Espace partenaires a refusé/);
    });

    it.each([
      ['en', en],
      ['fr', fr],
    ] as const)('when every %s sentence is written, then none names a service by an identifier', (_name, m) => {
      expect(everySentence(m).filter(([, text]) => RAW.test(text))).toEqual([]);
    });
  });

  describe('French', () => {
    it('when every sentence is written, then « : ; ! ? » follow a non-breaking space and guillemets hold their words with them', () => {
      const badly = everySentence(fr).filter(([, text]) => / [:;!?»]|« /.test(text));
      expect(badly).toEqual([]);
    });

    it('when a name starts with a vowel, then « de » is elided, as French writes it', () => {
      expect(fr.notFoundUser('bob', 'Adatum')).toBe("Je ne trouve aucun utilisateur «\u00a0bob\u00a0» dans l'annuaire d'Adatum.");
      expect(fr.notFoundUser('bob', 'Contoso')).toContain("dans l'annuaire de Contoso.");
    });

    it.each([
      ['wrongTenant', /sert uniquement/],
      ['help', /part chez/],
      ['relationship.accepted', /partie chez/],
      ['helpCard', /parce que INC/],
      ['policy.not_a_requester', /agent administrateur|aux commerciaux/],
    ])('when %s is read, then it is not the calque the review found', (key, calque) => {
      const sentences = everySentence(fr).filter(([path]) => path.startsWith(key));
      expect(sentences.length).toBeGreaterThan(0);
      expect(sentences.filter(([, text]) => calque.test(text))).toEqual([]);
    });
  });

  it.each([
    ['en', en],
    ['fr', fr],
  ] as const)('when the %s help card gives an example, then the bot reads it as the request it shows', (locale, m) => {
    const examples = m.helpCard.sections.flatMap((s) => s.lines).filter((line) => line.startsWith('• ')).flatMap((line) => line.slice(2).split(' · '));
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const example of examples) expect({ example, parsed: parseMessage(example) }).toMatchObject({ parsed: { kind: expect.stringMatching(/^(grant|revoke|list|status)$/), locale } });
  });

  describe('dates in lists', () => {
    const made = request({ timeZone: 'Europe/Paris' });
    const detail = (card: AdaptiveCardJson) => shown(card).find((text) => /requested by|faite par/.test(text));

    it('when nobody says where the reader is, then a request is dated in the zone it was made in, named, in the reader\'s language', () => {
      expect(detail(requestListCard('Your requests', [made], 'en'))).toBe('requested by Sam Seller on 21 October 2026 at 16:05 CEST');
      expect(detail(requestListCard('Vos demandes', [made], 'fr'))).toBe('faite par Sam Seller le 21 octobre 2026 à 16:05 UTC+2');
    });

    it('when the reader is in New York with en-US, then the date is theirs', () => {
      expect(detail(requestListCard('Pending', [made], 'en', { languageTag: 'en-US', timeZone: 'America/New_York' }))).toBe('requested by Sam Seller on October 21, 2026 at 10:05 AM EDT');
    });

    it('when no zone is known at all, then the date says UTC, in words, not as a sliced ISO string', () => {
      const text = detail(requestListCard('Your requests', [request()], 'en'));
      expect(text).toBe('requested by Sam Seller on 21 October 2026 at 14:05 UTC');
      expect(text).not.toContain('2026-10-21');
    });
  });
});
