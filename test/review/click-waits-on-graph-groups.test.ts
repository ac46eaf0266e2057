// Review finding: with approvers (or requesters) given as an Entra group — the setup policy.default.yaml recommends
// (Partner Center's AdminAgents group) — an Approve click reads the group's members from Graph inside the click, under
// the Azure clients' 60 s deadline and retries. When Graph is slow, the click is not answered within Teams' invoke limit
// (Teams shows "Something went wrong"), and every other click waits on the same lookup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { actionFrom, ADA, installFrom, SAM } from '../support/teams-users';

const ADMIN_AGENTS = '5a0e0002-0000-4000-8000-000000000001';
/** Teams gives up on an invoke answer after about 15 s (the contract: "well under Teams' limits"). */
const TEAMS_INVOKE_LIMIT_MS = 15_000;

describe('review: an Approve click does not wait on a stalled Graph group lookup', () => {
  let h: Harness;
  let dir: string;
  const { opts, samAsks, click } = conversation(() => h);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'review-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, `approvers:\n  users: []\n  groups: ["${ADMIN_AGENTS}"]\n`);
    h = await startHarness({ POLICY_FILE: file });
    await h.post(installFrom(ADA, opts()));
  });
  afterEach(async () => {
    h.sandbox.faults.clear();
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when Graph is slow (20 s) to read group members, then Ada\'s Approve click is still answered within Teams\' limit', async () => {
    const { requestId } = await samAsks("give Alice Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);

    // The membership read at confirmation is trusted for 5 minutes; then Graph takes 20 s over that call (well within
    // the Azure clients' 60 s deadline, so nothing gives up on it).
    h.clock.advance(6 * 60_000);
    h.sandbox.faults.add({ method: 'GET', pathIncludes: '/transitiveMembers', kind: 'delay', delayMs: 20_000, times: 10 });

    const answered = h.post(actionFrom(ADA, 'approve', { requestId }, opts())).then(() => 'answered' as const);
    const limit = new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), TEAMS_INVOKE_LIMIT_MS).unref());
    expect(await Promise.race([answered, limit])).toBe('answered');
  }, 40_000);
});
