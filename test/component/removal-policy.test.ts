// Found in review (2026-12-02): confirming a removal runs the policy for granting that role (ApprovalService.confirm →
// checkRequest). On a customer that requires a justification, no removal can ever be confirmed (the parser drops the
// reason a removal gives, so "ask again with because …" cannot help); on a customer where the role is forbidden, the
// role cannot be removed through the bot at all — although "taking access away is never forbidden".
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, installFrom, SAM } from '../support/teams-users';

describe('a removal is not refused by the rules for granting', () => {
  let h: Harness;
  let dir: string;
  const { opts, samAsks, click } = conversation(() => h);
  const start = async (policy: string) => {
    dir = mkdtempSync(join(tmpdir(), 'review-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, policy);
    h = await startHarness({ POLICY_FILE: file });
    await h.post(installFrom(ADA, opts()));
  };
  afterEach(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when Contoso requires a justification and Sam removes Bob\'s Reader "because he left", then the removal goes to approval', async () => {
    await start('customers:\n  Contoso:\n    justificationRequired: true\n');
    const { requestId } = await samAsks("remove Bob's Reader on Contoso prod because he left the company");
    const answer = await click(SAM, 'confirm', requestId);

    expect(answer).not.toContain('needs a justification');
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
  });

  it('when Reader is forbidden on Contoso and Sam removes Bob\'s Reader, then the removal goes to approval', async () => {
    await start('customers:\n  Contoso:\n    roles:\n      Reader:\n        forbidden: true\n');
    const { requestId } = await samAsks("remove Bob's Reader on Contoso prod");
    const answer = await click(SAM, 'confirm', requestId);

    expect(answer).not.toContain('does not allow');
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
  });
});
