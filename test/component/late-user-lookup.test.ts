// Found in review (2026-12-02): a user named before the customer's directory could be read is looked up once the customer accepts
// (RelationshipService.resume), and a mere prefix match is taken without asking: Sam wrote "Nin", confirmed a request
// for "Nin (looked up later)", and the approvers are asked to grant Contributor to Nina Patel — a person Sam never
// saw or confirmed. At intake the same guess is at least shown to Sam on the draft before he confirms.
import { request as httpsRequest } from 'node:https';
import { cardOf, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const PARTNER_ID = '7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41';

describe('a user looked up late is confirmed by the requester, not guessed', () => {
  let h: Harness;
  const { opts, samAsks, click, posts } = conversation(() => h);
  const accept = (field: string, value: string) =>
    new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams({ [field]: value }).toString();
      const req = httpsRequest(`${h.sandbox.url}/_sandbox/relationship/${PARTNER_ID}/accept`, { method: 'POST', ca: h.sandbox.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when Sam asks for "Nin" at Northwind (directory closed) and Northwind accepts, then Ada is not asked to approve Nina Patel', async () => {
    const { card, requestId } = await samAsks("give Nin Contributor on Northwind's subscription");
    expect(JSON.stringify(card)).toContain('Nin (looked up');
    await click(SAM, 'confirm', requestId);
    const relationshipId = (await h.bot.store.requests.get(requestId as never))?.relationship?.relationshipId ?? '';
    expect(relationshipId).not.toBe('');

    expect(await accept('relationship', relationshipId)).toBe(200);
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5 * 60_000);
      await h.bot.relationships.pollNow();
      await h.bot.idle();
    }

    const approvalCards = posts(ADA).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c)).filter((c) => (c.actions ?? []).some((a) => a.verb === 'approve'));
    expect(approvalCards.map((c) => JSON.stringify(c)).filter((c) => c.includes('Nina Patel'))).toEqual([]);
  });
});
