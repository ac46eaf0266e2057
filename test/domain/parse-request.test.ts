import { parseMessage, readTarget } from '../../src/domain/parse-request';

describe('parseMessage', () => {
  const grants: [string, { principal: string; role: string; customer: string; subscription?: string; locale: 'en' | 'fr' }][] = [
    ["give Alice Contributor on Contoso's prod subscription", { principal: 'Alice', role: 'Contributor', customer: 'Contoso', subscription: 'prod', locale: 'en' }],
    ['<at>CSP Access</at> please give Alice Martin the Contributor role on the prod subscription of Contoso!', { principal: 'Alice Martin', role: 'Contributor', customer: 'Contoso', subscription: 'prod', locale: 'en' }],
    ['Hi, can you grant bob@contoso.onmicrosoft.com read-only on Contoso Dev?', { principal: 'bob@contoso.onmicrosoft.com', role: 'Reader', customer: 'Contoso', subscription: 'Dev', locale: 'en' }],
    ['give Owner to Alice on Fabrikam Production', { principal: 'Alice', role: 'Owner', customer: 'Fabrikam', subscription: 'Production', locale: 'en' }],
    ['Alice needs UAA on Contoso prod', { principal: 'Alice', role: 'User Access Administrator', customer: 'Contoso', subscription: 'prod', locale: 'en' }],
    ["donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", { principal: 'Alice', role: 'Contributor', customer: 'Contoso', subscription: 'prod', locale: 'fr' }],
    ['accorde Lecteur à bob@contoso.com sur Contoso Dev', { principal: 'bob@contoso.com', role: 'Reader', customer: 'Contoso', subscription: 'Dev', locale: 'fr' }],
  ];

  it.each(grants)('when the agent writes %j, then it reads principal, role and target', (text, expected) => {
    const parsed = parseMessage(text);
    expect(parsed).toMatchObject({ kind: 'grant', principal: expected.principal, role: expected.role, locale: expected.locale });
    if (parsed.kind !== 'grant') throw new Error('not a grant');
    expect(parsed.targets[0]).toEqual(expected.subscription ? { customer: expected.customer, subscription: expected.subscription } : { customer: expected.customer });
  });

  it('when the message asks for help in either language, then it is a help request in that language', () => {
    expect(parseMessage('help')).toEqual({ kind: 'help', locale: 'en' });
    expect(parseMessage('aide')).toEqual({ kind: 'help', locale: 'fr' });
  });

  it('when a grant has no target, then it says the target is missing', () => {
    expect(parseMessage('give Alice Contributor')).toMatchObject({ kind: 'missing', missing: 'target' });
  });

  it('when the message is small talk, then it is not understood rather than guessed', () => {
    expect(parseMessage('what a nice day')).toMatchObject({ kind: 'not_understood' });
  });

  it('when the justification follows "because", then it is kept apart from the target', () => {
    const parsed = parseMessage('give Alice Reader on Contoso prod because of incident INC123');
    expect(parsed).toMatchObject({ kind: 'grant', justification: 'incident INC123', ticket: 'INC123' });
    if (parsed.kind === 'grant') expect(parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
  });
});

describe('readTarget', () => {
  it('when the target is two bare words, then every customer/subscription split is offered, longest customer last', () => {
    expect(readTarget('Contoso Pharma Research')).toEqual([
      { customer: 'Contoso', subscription: 'Pharma Research' },
      { customer: 'Contoso Pharma', subscription: 'Research' },
      { customer: 'Contoso Pharma Research' },
    ]);
  });
});

describe('extensions', () => {
  it.each([
    ["extend Alice's access by 4 hours", 'en', 'Alice', 4],
    ["extend Alice Martin's access on Contoso prod by another 2 hours", 'en', 'Alice Martin', 2],
    ["prolonge l'accès d'Alice de 4 heures", 'fr', 'Alice', 4],
  ] as const)('when the agent writes %j, then it is an extension of that person\'s access', (text, locale, principal, hours) => {
    expect(parseMessage(text)).toMatchObject({ kind: 'extend', locale, principal, duration: { kind: 'for', amount: hours, unit: 'hour' } });
  });
});
