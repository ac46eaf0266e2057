// The policy file decides what may be requested and how many approvals it needs, before anything is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buttonsOf, cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

const POLICY = `
defaults:
  approvals: 1
roles:
  Reader:
    approvals: 1
customers:
  Fabrikam:
    roles:
      Owner:
        forbidden: true
  Contoso Pharma:
    justificationRequired: true
  Contoso:
    approvals: 3
`;

describe('the access policy', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const ask = async (text: string) => {
    await h.post(messageFrom(SAM, text, opts()));
    return h.connector.to(SAM.conversationId).at(-1);
  };

  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, POLICY);
    h = await startHarness({ POLICY_FILE: file });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a role is forbidden on a customer, then the agent is told so and nothing is stored', async () => {
    const reply = await ask('give Dan Owner on Fabrikam Production');
    expect(reply?.body.text).toBe("The partner's policy does not allow Owner on Fabrikam. Nothing was requested.");
    expect((await h.bot.store.requests.listByState(['draft']))).toHaveLength(0);
  });

  it('when the customer requires a justification and none is given, then the agent is asked for one; with one, the card comes', async () => {
    const without = await ask('give Eve Reader on Contoso Pharma Research');
    expect(without?.body.text).toContain('needs a justification');
    const withReason = await ask('give Eve Reader on Contoso Pharma Research because she audits the trial data');
    expect(buttonsOf(cardOf(withReason))).toEqual(['Confirm', 'Cancel']);
  });

  it('when the customer needs three approvals, then the confirmation card says so', async () => {
    const reply = await ask("give Alice Contributor on Contoso's prod subscription");
    expect(cardText(cardOf(reply))).toContain('Approvals: 0 of 3');
  });
});
