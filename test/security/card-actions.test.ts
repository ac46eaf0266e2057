// Card actions through the real endpoint in azure mode: the server decides; forged, tampered, replayed, late clicks.
import Database from 'better-sqlite3';
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, PAT, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const FABRIKAM_SCOPE = '/subscriptions/c0000003-5b50-4000-8000-000000000001';
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

interface InvokeBody {
  statusCode: number;
  type: string;
  value: CardJson | string;
}

describe('card actions in azure mode', () => {
  let s: SecureHarness;
  const opts = () => ({ serviceUrl: s.h.connector.serviceUrl });
  const click = async (who: TeamsUser, verb: string, data: Record<string, unknown>): Promise<InvokeBody> => {
    const response = await s.post(actionFrom(who, verb, data, opts()));
    expect(response.status).toBe(200);
    return response.body as InvokeBody;
  };
  const shown = (body: InvokeBody) => (typeof body.value === 'string' ? body.value : cardText(body.value));
  const assignments = () => s.h.sandbox.state.roleAssignments.filter((a) => a.principalId === ALICE_MARTIN || a.principalId === SAM.aadObjectId || a.principalId === PAT.aadObjectId);
  const lastCardIn = (who: TeamsUser) => cardOf(s.h.connector.to(who.conversationId).filter((a) => cardOf(a)).at(-1));
  const events = async (requestId?: string) => (await s.h.bot.store.audit.list(requestId ? { requestId } : {})).map((e) => e.event);

  /** `who` asks for Contributor for Alice on Contoso prod and confirms; returns the request id. */
  const askAndConfirm = async (who: TeamsUser = SAM): Promise<string> => {
    await s.post(messageFrom(who, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = lastCardIn(who)?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    expect(shown(await click(who, 'confirm', { requestId }))).toContain('Waiting for approval');
    await s.h.bot.idle();
    return requestId;
  };

  beforeEach(async () => {
    s = await startSecureHarness();
    for (const who of [ADA, ALEX, SAM, PAT]) await s.post(installFrom(who, opts()));
  });
  afterEach(async () => s.stop());

  it('when a non-approver approves with data naming an approver, then it is refused, audited, nothing assigned', async () => {
    const requestId = await askAndConfirm();
    for (const who of [PAT, SAM]) {
      const forged = await click(who, 'approve', { requestId, approver: ADA.aadObjectId, from: { aadObjectId: ADA.aadObjectId }, actor: ADA.aadObjectId });
      expect(shown(forged)).toMatch(/Only approvers can approve or reject requests|You cannot approve or reject your own request/);
    }
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect((await events(requestId)).filter((e) => e === 'refused_approve')).toHaveLength(2);
    expect(assignments()).toHaveLength(0);
  });

  it('when an approver approves their own request, then it is refused and nothing is assigned', async () => {
    const requestId = await askAndConfirm(ADA);
    const self = await click(ADA, 'approve', { requestId });
    expect(shown(self)).toContain('You cannot approve or reject your own request');
    await s.h.bot.idle();
    expect(assignments()).toHaveLength(0);
    expect((await events(requestId))).toContain('refused_approve');
  });

  it('when card data names another role, scope or principal, then only the stored request is granted', async () => {
    const requestId = await askAndConfirm();
    await click(ADA, 'approve', { requestId, role: 'Owner', roleDefinitionId: OWNER, scope: FABRIKAM_SCOPE, principalId: SAM.aadObjectId, principal: PAT.aadObjectId });
    await s.h.bot.idle();
    expect(assignments().map((a) => [a.scope, a.principalId, a.roleDefinitionName])).toEqual([[CONTOSO_PROD, ALICE_MARTIN, 'b24988ac-6180-42a0-ab88-20f7382dd24c']]);
  });

  it('when card data names another request id, then that request is judged on its own: a draft cannot be approved', async () => {
    await askAndConfirm();
    // Pat's own draft (never confirmed) is not waiting for approval: approving it by id changes nothing.
    await s.post(messageFrom(PAT, "give Alice Owner on Contoso's prod subscription", opts()));
    const patDraft = lastCardIn(PAT)?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    expect(typeof patDraft).toBe('string');
    const tampered = await click(ADA, 'approve', { requestId: patDraft });
    expect(shown(tampered)).not.toContain('Granted');
    const unknown = await click(ADA, 'approve', { requestId: '0d0d0d0d-0000-4000-8000-000000000000' });
    expect(shown(unknown)).toBe('I cannot find this request.');
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(patDraft as never))?.state).toBe('draft');
    expect(assignments()).toHaveLength(0);
  });

  it('when a decided approval is replayed (same invoke again), then nothing changes and Azure holds one assignment', async () => {
    const requestId = await askAndConfirm();
    const invoke = actionFrom(ADA, 'approve', { requestId }, opts());
    const first = await s.post(invoke);
    expect(shown(first.body as InvokeBody)).toContain('Approved');
    await s.h.bot.idle();
    const replay = await s.post(invoke);
    expect(replay.status).toBe(200);
    expect(shown(replay.body as InvokeBody)).toContain('Already decided');
    const rejectAfter = await click(ALEX, 'reject', { requestId, comment: 'too late' });
    expect(shown(rejectAfter)).toContain('Already decided');
    await s.h.bot.idle();
    expect(assignments()).toHaveLength(1);
    expect((await events(requestId)).filter((e) => e === 'approved')).toHaveLength(1);
  });

  it('when an approval comes after the approval window, then it is refused and nothing is assigned', async () => {
    const requestId = await askAndConfirm();
    s.h.clock.advance(24 * 3600_000 + 1000);
    // The sweeper has not run yet: the click itself finds the window closed.
    const late = await click(ADA, 'approve', { requestId });
    expect(shown(late)).toContain('Timed out');
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('timed_out');
    expect((await events(requestId))).toEqual(expect.arrayContaining(['timed_out', 'refused_approve']));
    expect(assignments()).toHaveLength(0);
  });

  it.each([
    ['an unknown verb', 'grantOwnerNow', (id: string) => ({ requestId: id })],
    ['a request id that is not a GUID', 'approve', () => ({ requestId: "1' OR '1'='1" })],
    ['no request id', 'approve', () => ({ role: 'Owner' })],
    ['a request id of the wrong type', 'approve', (id: string) => ({ requestId: [id] })],
  ])('when a card action carries %s, then it is refused and audited', async (_what, verb, data) => {
    const requestId = await askAndConfirm();
    const answer = await click(ADA, verb, data(requestId));
    expect(shown(answer)).toBe('This button is not valid any more.');
    await s.h.bot.idle();
    expect((await events())).toContain('refused_action');
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect(assignments()).toHaveLength(0);
  });

  /** A fault the database itself raises, as a full disk or a broken volume would. */
  const breakWrites = (sql: string) => {
    const db = new Database(s.h.storePath);
    db.exec(sql);
    db.close();
  };

  it('when the request cannot be written at approval, then the approver gets an error card and nothing is assigned', async () => {
    const requestId = await askAndConfirm();
    breakWrites("CREATE TRIGGER fail_request BEFORE UPDATE ON requests WHEN NEW.state = 'approved' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
    const answer = await click(ADA, 'approve', { requestId });
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(shown(answer)).toContain('I could not record this decision, so nothing was changed');
    expect(shown(answer)).toContain('Waiting for approval');
    await s.h.bot.idle();
    await s.h.restart();
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect(assignments()).toHaveLength(0);
  });

  it('when the audit log cannot be written at approval, then the approval is not stored and nothing is assigned, even after a restart', async () => {
    const requestId = await askAndConfirm();
    breakWrites("CREATE TRIGGER fail_audit BEFORE INSERT ON audit WHEN NEW.event IN ('approved', 'approval_recorded') BEGIN SELECT RAISE(ABORT, 'audit volume full'); END;");
    const answer = await click(ADA, 'approve', { requestId });
    expect(shown(answer)).toContain('I could not record this decision, so nothing was changed');
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    await s.h.restart();
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect(assignments()).toHaveLength(0);
  });

  it('when the store cannot be written when provisioning starts, then Azure is never called', async () => {
    const requestId = await askAndConfirm();
    breakWrites("CREATE TRIGGER fail_provisioning BEFORE UPDATE ON requests WHEN NEW.state = 'provisioning' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;");
    await click(ADA, 'approve', { requestId });
    await s.h.bot.idle();
    expect((await s.h.bot.store.requests.get(requestId as never))?.state).toBe('approved');
    expect(assignments()).toHaveLength(0);
  });
});
