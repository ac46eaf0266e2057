import { parseMessage, readTarget } from '../../src/domain/parse-request';

describe('readTarget — French "abonnement <nom> de <client>"', () => {
  it('when the subscription name starts like a linking word ("Dev", "Dubai", "Atlas"), then it is not read as "de"/"du"/"at"', () => {
    expect(readTarget("l'abonnement Dev de Blue Logistics Ltd 42")[0]).toEqual({ customer: 'Blue Logistics Ltd 42', subscription: 'Dev' });
    expect(readTarget("l'abonnement Dubai de Contoso")[0]).toEqual({ customer: 'Contoso', subscription: 'Dubai' });
    expect(readTarget('subscription Atlas for Contoso')[0]).toEqual({ customer: 'Contoso', subscription: 'Atlas' });
  });

  it('when a whole French request names the Dev subscription, then the customer is read whole', () => {
    const parsed = parseMessage("donne à Alice Martin le rôle Contributeur sur l'abonnement Dev de Blue Logistics Ltd 42");
    expect(parsed).toMatchObject({ kind: 'grant', principal: 'Alice Martin', role: 'Contributor' });
    if (parsed.kind === 'grant') expect(parsed.targets[0]).toEqual({ customer: 'Blue Logistics Ltd 42', subscription: 'Dev' });
  });
});
