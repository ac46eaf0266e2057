// Which words next to a subscription's name are a clause of their own (asked back), and which are the name.
import { parseMessage } from '../../src/domain/parse-request';
import { unreadClause } from '../../src/domain/unread-words';

describe('words no subscription name holds', () => {
  it.each([
    ['prod for the weekend', 'for the weekend'],
    ['prod from 9 to 17', 'from 9 to 17'],
    ['prod but only rg-web', 'but only rg-web'],
    ['prod except rg-secret', 'except rg-secret'],
    ["prod d'ici vendredi", "d'ici vendredi"],
    ['prod pour déboguer la panne', 'pour déboguer la panne'],
    ['prod uniquement sur rg-web', 'uniquement sur rg-web'],
    ['prod Paris time', 'time'],
  ])('when the name is written "%s", then "%s" is what was not read', (name, clause) => {
    expect(unreadClause(name)).toBe(clause);
  });

  it.each(['prod', 'Production', 'Pay-As-You-Go', 'Dev Test 2', 'Time Tracking'])('when the name is "%s", then nothing is left unread', (name) => {
    expect(unreadClause(name)).toBeUndefined();
  });
});

describe('a second request joined onto the first', () => {
  it.each([
    ['give Bob Reader and Alice Owner on Contoso prod', 'and Alice Owner on Contoso prod'],
    ['give Bob Reader and Owner on Contoso prod', 'and Owner on Contoso prod'],
    ['give Alice and Bob Reader on Contoso prod', 'and Bob Reader on Contoso prod'],
    ['donne à Bob le rôle Lecteur et à Alice le rôle Propriétaire sur Contoso prod', 'et à Alice le rôle Propriétaire sur Contoso prod'],
  ])('when Sam writes "%s", then the second one ("%s") is named back', (text, second) => {
    expect(parseMessage(text)).toMatchObject({ kind: 'several_requests', text: second });
  });

  it.each(['give Alice Reader on Contoso prod', 'give Alice Reader on Contoso R and D'])('when Sam writes "%s", then it is one request', (text) => {
    expect(parseMessage(text).kind).toBe('grant');
  });
});
