// Approvers given as an Entra group (the setup policy.default.yaml recommends: Partner Center's AdminAgents group): an
// Approve click never waits on Graph past a short deadline. A membership older than the 5-minute cache that Graph does
// not confirm in time approves no one: the click says it could not check, and the next click once Graph answers works. (From a review finding: the click
// waited on Graph under the Azure clients' 60 s deadline, past Teams' invoke limit.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { cardText, type CardJson } from '../support/fake-connector';
import { actionFrom, ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const ADMIN_AGENTS = '5a0e0002-0000-4000-8000-000000000001';
/** Teams gives up on an invoke answer after about 15 s (the contract: "well under Teams' limits"). */
const TEAMS_INVOKE_LIMIT_MS = 15_000;

describe('an Approve click does not wait on a stalled Graph group lookup', () => {
  let h: Harness;
  let dir: string;
  const { opts, samAsks, click } = conversation(() => h);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'review-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, `approvers:\n  users: []\n  groups: ["${ADMIN_AGENTS}"]\n`);
    // Ada approves only as a member of Admin Agents (APPROVERS names Alex alone).
    h = await startHarness({ POLICY_FILE: file, APPROVERS: ALEX.aadObjectId });
    await h.post(installFrom(ADA, opts()));
  });
  afterEach(async () => {
    h.sandbox.faults.clear();
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when Graph is slow (20 s) to re-read group members, then Ada\'s Approve click is answered within Teams\' limit that it could not check, and her click once Graph answers approves', async () => {
    const { requestId } = await samAsks("give Alice Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);

    // The membership read at confirmation is trusted for 5 minutes; then Graph takes 20 s over that call (well within
    // the Azure clients' 60 s deadline, so nothing gives up on it).
    h.clock.advance(6 * 60_000);
    h.sandbox.faults.add({ method: 'GET', pathIncludes: '/transitiveMembers', kind: 'delay', delayMs: 20_000, times: 1 });

    const answer = await answeredWithinLimit(requestId);
    // Read 6 minutes ago and not confirmed in time: never a stale yes (she may have left Admin Agents meanwhile).
    expect(answer).toContain('I could not check right now that you are an approver');
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');

    // Graph answers again: the delayed re-read lands, and the next click is decided on it.
    h.sandbox.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    expect(await answeredWithinLimit(requestId)).toMatch(/Approved|Granted/);
  }, 60_000);

  it('when Graph is slow and the membership is 20 minutes old, then Ada\'s click is answered that it could not check, and nothing is approved', async () => {
    const { requestId } = await samAsks("give Alice Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);

    h.clock.advance(20 * 60_000);
    h.sandbox.faults.add({ method: 'GET', pathIncludes: '/transitiveMembers', kind: 'delay', delayMs: 20_000, times: 10 });

    const answer = await answeredWithinLimit(requestId);
    expect(answer).toContain('I could not check right now that you are an approver');
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
  }, 40_000);

  /** Ada's Approve click, as the text of the card it was answered with; throws when Teams would have given up. */
  async function answeredWithinLimit(requestId: string): Promise<string> {
    const answered = h.post(actionFrom(ADA, 'approve', { requestId }, opts())).then((response) => cardText((response.body as { value: CardJson }).value));
    const limit = new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), TEAMS_INVOKE_LIMIT_MS).unref());
    const result = await Promise.race([answered, limit]);
    if (result === 'no answer') throw new Error('no answer within Teams\' invoke limit');
    return result;
  }
});
