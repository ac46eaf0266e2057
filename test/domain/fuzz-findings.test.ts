// What the request fuzzer found, as examples: names that start like a keyword, tickets and resource groups read whole,
// reasons kept in the whole-sentence frames, French numbers past 60, "access to" read as where.
import type { Duration } from '../../src/domain/durations';
import { parseMessage } from '../../src/domain/parse-request';
import { englishNumber, frenchNumber } from './fuzz-text';

const MINUTES = { minute: 1, hour: 60, day: 1440, week: 10080 } as const;
const minutesOf = (duration: Duration | undefined): number | undefined => (duration?.kind === 'for' ? duration.amount * MINUTES[duration.unit] : undefined);

describe('what the request fuzzer found', () => {
  it('when a name starts like a reason word ("Carla Cartier", "Cargo Lines" and "car"), then it stays a name and the resource group stays named', () => {
    // Before: "car" + "tier Reader on …" was read as the reasons; the draft then covered the whole subscription.
    const parsed = parseMessage('give Carla Cartier Reader on resource group rg-cars in Cargo Lines Production');
    expect(parsed).toMatchObject({ kind: 'grant', principal: 'Carla Cartier', role: 'Reader', resourceGroup: 'rg-cars' });
    expect(parsed).not.toHaveProperty('justification');
    expect(parsed.kind === 'grant' && parsed.targets).toContainEqual({ customer: 'Cargo Lines', subscription: 'Production' });
  });

  it.each([
    ['give Alice Reader on Contoso Cargo prod', { customer: 'Contoso Cargo', subscription: 'prod' }],
    ['give Alice Reader on Northwind Caribbean', { customer: 'Northwind', subscription: 'Caribbean' }],
    ['give Alice Reader on Contoso Due Tomorrow Studio', { customer: 'Contoso', subscription: 'Due Tomorrow Studio' }],
  ])('when the target %j has a word starting like "car" or "due to", then the whole target is read and no reasons are invented', (text, reading) => {
    const parsed = parseMessage(text);
    expect(parsed).toMatchObject({ kind: 'grant', principal: 'Alice' });
    expect(parsed).not.toHaveProperty('justification');
    expect(parsed.kind === 'grant' && parsed.targets).toContainEqual(reading);
  });

  it.each([
    ['give Alice Reader on Contoso Srv01', { customer: 'Contoso', subscription: 'Srv01' }],
    ['give Alice Reader on Contoso CRM2 prod', { customer: 'Contoso', subscription: 'CRM2 prod' }],
    ['give Léa Dubois Reader on Société Générale Démo Change2025', { customer: 'Société Générale Démo', subscription: 'Change2025' }],
    ['give Alice Reader on Contoso Cascade2', { customer: 'Contoso', subscription: 'Cascade2' }],
  ])('when the target %j has a word starting like a ticket keyword (sr, cr, change, cas), then no ticket is cut out of it', (text, reading) => {
    const parsed = parseMessage(text);
    expect(parsed).toMatchObject({ kind: 'grant' });
    expect(parsed).not.toHaveProperty('ticket');
    expect(parsed.kind === 'grant' && parsed.targets).toContainEqual(reading);
  });

  it.each([
    ['give Alice Reader on Contoso prod, because of the audit', 'the audit'],
    ['give Alice Reader on Contoso prod - because of the audit', 'the audit'],
    ["donne à Alice le rôle Lecteur sur Contoso prod parce qu'il migre", 'il migre'],
    ['give Alice Reader on Contoso prod; reason: audit', 'audit'],
    ['give Alice Reader on Contoso prod car audit', 'audit'],
  ])('when the reasons are written %j, then they are still read as the reasons', (text, justification) => {
    expect(parseMessage(text)).toMatchObject({ kind: 'grant', principal: 'Alice', targets: expect.arrayContaining([{ customer: 'Contoso', subscription: 'prod' }]), justification });
  });

  it.each(['rg-café', 'rg-données', 'rg-web.prod', 'rg_(old)'])('when the resource group is named %j (accents, dots, parentheses), then it is read whole', (group) => {
    expect(parseMessage(`give Alice Reader on resource group ${group} in Contoso prod`)).toMatchObject({ kind: 'grant', resourceGroup: group, targets: expect.arrayContaining([{ customer: 'Contoso', subscription: 'prod' }]) });
  });

  it('when "make Contoso\'s admin … Owner of prod" gives reasons, then they are the justification, not part of the subscription', () => {
    const parsed = parseMessage("make Contoso's admin bob@contoso.com Owner of prod because of INC1234 [verify](https://evil.example) for 8 hours");
    expect(parsed).toMatchObject({ kind: 'grant', principal: 'bob@contoso.com', role: 'Owner', justification: 'INC1234 [verify](https://evil.example) for 8 hours', ticket: 'INC1234', duration: { kind: 'for', amount: 8, unit: 'hour' } });
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
  });

  it('when "let Contoso manage their own prod subscription" gives reasons, then the question for the user keeps them', () => {
    expect(parseMessage('let Contoso manage their own prod subscription because of the audit')).toMatchObject({
      kind: 'missing',
      missing: 'principal',
      partial: { role: 'Owner', targets: expect.arrayContaining([{ customer: 'Contoso', subscription: 'prod' }]), justification: 'the audit' },
    });
  });

  it('when the request says "access to" without a role, then the bot asks only for the role and keeps who, where and the limit', () => {
    expect(parseMessage('give Alice Martin access to Contoso Production for 8 hours')).toMatchObject({
      kind: 'missing',
      missing: 'role',
      partial: { principal: 'Alice Martin', targets: expect.arrayContaining([{ customer: 'Contoso', subscription: 'Production' }]), duration: { kind: 'for', amount: 8, unit: 'hour' } },
    });
    expect(parseMessage('donne à Alice Martin un accès sur Contoso Production')).toMatchObject({ kind: 'missing', missing: 'role', partial: { principal: 'Alice Martin' } });
  });

  const sixtyToNinetyNine = Array.from({ length: 40 }, (_, i) => i + 60);

  it.each(sixtyToNinetyNine.map((n) => [frenchNumber(n), n] as const))('when an agent writes "pour %s heures", then it lasts %i hours', (word, n) => {
    // "quatre-vingt-une heures" (81) was asked back: 81 has no "et", unlike 21–71.
    expect(minutesOf(grantDuration(`donne à Alice le rôle Lecteur sur Contoso prod pour ${word} heures`))).toBe(n * 60);
  });

  it.each(sixtyToNinetyNine.map((n) => [englishNumber(n), n] as const))('when an agent writes "for %s hours", then it lasts %i hours', (word, n) => {
    expect(minutesOf(grantDuration(`give Alice Reader on Contoso prod for ${word} hours`))).toBe(n * 60);
  });
});

function grantDuration(text: string): Duration | undefined {
  const parsed = parseMessage(text);
  return parsed.kind === 'grant' ? parsed.duration : undefined;
}
