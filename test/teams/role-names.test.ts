// Azure roles by the names people read: the French portal's names on French cards and in French sentences, the ARM
// name beside it where a decision is made, English untouched, custom roles as their owner named them (and inert).
import type { AccessRequest, Locale } from '../../src/domain/access-request';
import { principalId } from '../../src/domain/ids';
import { parseMessage } from '../../src/domain/parse-request';
import { renderRequest } from '../../src/domain/render-request';
import { frenchRoleName, knownRole } from '../../src/domain/role-catalog';
import { messagesFor } from '../../src/i18n';
import { accessRequestCard, outcomeNote, type AdaptiveCardJson } from '../../src/teams/cards';
import { requestListCard } from '../../src/teams/list-cards';
import { request as sample } from '../cards/access-request-samples';

const SAM = { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Seller' };
const ADA = { id: principalId('5a0e0001-0000-4000-8000-000000000002'), name: 'Ada Approver' };
const SUB = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const definition = (guid: string): string => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const CONTRIBUTOR = { definitionId: definition('b24988ac-6180-42a0-ab88-20f7382dd24c'), name: 'Contributor' };
const CUSTOM = { definitionId: definition('c0000001-c5c5-4000-8000-00000000c5c5'), name: 'Contoso Support Operator' };

/** The README's example (Alice Martin, Contributor on Contoso Production), waiting for approval. */
const request = (locale: Locale, more: Partial<AccessRequest> = {}): AccessRequest => sample(locale, 'pending_approval', { role: CONTRIBUTOR, ...more });

const viewer = (who: typeof SAM, locale: Locale, isApprover = false) => ({ userId: who.id, isApprover, locale });

/** A fact's value as the card shows it. */
function fact(card: AdaptiveCardJson, title: string): string {
  const found = JSON.stringify(card.body).match(new RegExp(`"title":"${title}","value":"((?:[^"\\\\]|\\\\.)*)"`));
  return found?.[1] ? (JSON.parse(`"${found[1]}"`) as string) : '';
}

describe('role names on cards', () => {
  it("when Sam confirms his French draft, then the card names the role as the French portal does, with Azure's own name beside it", () => {
    const card = accessRequestCard(request('fr', { state: 'draft' }), viewer(SAM, 'fr'), []);
    expect(fact(card, 'Rôle')).toBe('Contributeur (Contributor)');
  });

  it('when a French-speaking approver decides, then the approval card shows the French name and the ARM name', () => {
    const card = accessRequestCard(request('en'), viewer(ADA, 'fr', true), []);
    expect(fact(card, 'Rôle')).toBe('Contributeur (Contributor)');
    expect(JSON.stringify(card)).toContain('Approuver');
  });

  it('when the same request is shown in English, then the card is as before: the ARM name alone', () => {
    const card = accessRequestCard(request('fr'), viewer(ADA, 'en', true), []);
    expect(fact(card, 'Role')).toBe('Contributor');
    expect(JSON.stringify(card)).not.toContain('Contributeur');
  });

  it('when the role is a custom role, then French and English cards show the name its owner gave it', () => {
    for (const locale of ['fr', 'en'] as const) {
      const card = accessRequestCard(request('fr', { role: CUSTOM }), viewer(ADA, locale, true), []);
      expect(fact(card, locale === 'fr' ? 'Rôle' : 'Role')).toBe('Contoso Support Operator');
    }
  });

  it("when a custom role carries a built-in role's name, then the French card does not dress it up as the built-in", () => {
    const card = accessRequestCard(request('fr', { role: { definitionId: CUSTOM.definitionId, name: 'Contributor' } }), viewer(ADA, 'fr', true), []);
    expect(fact(card, 'Rôle')).toBe('Contributor');
  });

  it.each([
    ['a markdown link', '[Contributor](https://evil.example/login)'],
    ['HTML', '<b>Contributor</b> <img src=x onerror=alert(1)>'],
    ['a bare domain', 'Contributor at evil.example/login'],
  ])('when a custom role name holds %s, then the French card shows it inert, as the English one does', (_what, hostile) => {
    const hostileRole = { definitionId: CUSTOM.definitionId, name: hostile };
    const fr = fact(accessRequestCard(request('fr', { role: hostileRole }), viewer(ADA, 'fr', true), []), 'Rôle');
    const en = fact(accessRequestCard(request('fr', { role: hostileRole }), viewer(ADA, 'en', true), []), 'Role');
    expect(fr).toBe(en);
    expect(fr).not.toMatch(/</);
    expect(fr).not.toMatch(/(?<!\\)[[\]()]/);
    expect(fr).not.toMatch(/:\/\//);
    expect(fr).not.toContain('Contributeur');
  });
});

describe('role names in what the bot says', () => {
  const active = (locale: Locale, role = CONTRIBUTOR) =>
    request(locale, { state: 'active', role, approvals: [{ by: ADA, at: '2026-11-25T09:05:00Z' }], outcome: { kind: 'created', assignmentId: `${SUB}/providers/Microsoft.Authorization/roleAssignments/6f1d2c3b-4a59-5e68-9a7b-8c9d0e1f2a3b` } });

  it('when the role is granted, then the French outcome names it in French and the English one is unchanged', () => {
    expect(outcomeNote(active('fr'), 'fr')).toContain('a maintenant le rôle Contributeur sur Contoso Production');
    expect(outcomeNote(active('fr'), 'en')).toBe('Done: Alice Martin now has Contributor on Contoso Production. Approved by Ada Approver.');
  });

  it('when a custom role is granted, then the French outcome keeps its name', () => {
    expect(outcomeNote(active('fr', CUSTOM), 'fr')).toContain('a maintenant le rôle Contoso Support Operator sur');
  });

  it('when French sentences name a built-in role, then each uses its French name; Entra roles are left alone', () => {
    const fr = messagesFor('fr');
    expect(fr.expiry.removed('Alice', 'Reader', 'prod')).toContain('le rôle Lecteur à Alice');
    expect(fr.expiry.reminder('Alice', 'Owner', 'prod', 'lundi')).toContain('donne à Alice le rôle Propriétaire … pour 8');
    expect(fr.policy.forbidden('User Access Administrator', 'Contoso', 0)).toContain("le rôle Administrateur de l'accès utilisateur chez Contoso");
    expect(fr.revoke.nothing('Bob', 'Reader', 'prod')).toContain('pas le rôle Lecteur');
    expect(fr.relationship.accepted('Northwind', 'Nina', 'Reader')).toContain('Nina (Lecteur)');
    expect(fr.readiness.waitingToRequester('Tailspin', 'Tom', 'Contributor', '')).toContain('Tom (Contributeur)');
    expect(fr.readiness.noDirectoryRoleAssign('Contoso', 'Directory Readers', 'G')).toContain('Directory Readers');
  });

  it('when Sam lists his requests in French, then each line names the role in French', () => {
    const card = requestListCard('Vos demandes', [request('fr', { role: { definitionId: definition('acdd72a7-3385-48ef-bd42-f606fba81ae7'), name: 'Reader' } })], 'fr');
    expect(JSON.stringify(card)).toContain('Alice Martin — Lecteur sur Contoso / Contoso Production');
    expect(JSON.stringify(requestListCard('Your requests', [request('en')], 'en'))).toContain('Alice Martin — Contributor on Contoso / Contoso Production');
  });
});

describe('the French names themselves', () => {
  it('when a French name is shown, then the parser reads it back as the same role (choice buttons resend it)', () => {
    for (const arm of ['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'Virtual Machine Contributor', 'Billing Reader', 'Monitoring Reader', 'Cost Management Reader', 'Security Reader', 'Backup Contributor']) {
      const fr = frenchRoleName(arm);
      expect(fr).toBeDefined();
      expect(knownRole(fr ?? '')).toBe(arm);
    }
  });

  it('when a French request is written back for a choice card, then it names the role in French and reads back the same', () => {
    const parsed = parseMessage("donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", 'fr');
    if (parsed.kind !== 'grant') throw new Error(`expected a grant, got ${parsed.kind}`);
    const sentence = renderRequest(parsed, 'fr');
    expect(sentence).toContain('le rôle "Contributeur"');
    const again = parseMessage(sentence, 'fr');
    expect(again.kind === 'grant' && again.role).toBe('Contributor');
    expect(renderRequest(parsed, 'en')).toContain('the role "Contributor"');
  });

  it('when a name is not exactly a built-in ARM name, then it has no French name', () => {
    expect(frenchRoleName('contributor')).toBeUndefined();
    expect(frenchRoleName('Contoso Support Operator')).toBeUndefined();
    expect(frenchRoleName('toString')).toBeUndefined();
    expect(frenchRoleName('Reader', definition('c0000001-c5c5-4000-8000-00000000c5c5'))).toBeUndefined();
    expect(frenchRoleName('Reader', definition('ACDD72A7-3385-48EF-BD42-F606FBA81AE7'))).toBe('Lecteur');
  });
});
