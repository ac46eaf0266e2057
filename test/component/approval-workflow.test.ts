// Approval rules through the real HTTP endpoint: N-of-M, races, reject, timeout, cancel, restart, tampered data.
import { buttonsOf, cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { clockMovedUntil, fakeTimeouts, until } from '../support/fake-time';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';
const ROLE = { Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c', Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' };

interface InvokeBody {
  statusCode: number;
  type: string;
  value: CardJson | string;
}

describe('the approval workflow', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const click = async (who: TeamsUser, verb: string, data: Record<string, unknown>): Promise<InvokeBody> => {
    const response = await h.post(actionFrom(who, verb, data, opts()));
    expect(response.status).toBe(200);
    return response.body as InvokeBody;
  };
  const shown = (body: InvokeBody) => cardText(body.value as CardJson);
  const assignmentsForAlice = (role: keyof typeof ROLE) =>
    h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE_MARTIN && a.roleDefinitionName === ROLE[role]);
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const lastCardIn = (who: TeamsUser) => cardOf(h.connector.to(who.conversationId).filter((a) => cardOf(a)).at(-1));

  /** Sam asks for `role` on Contoso prod and confirms; returns the request id. */
  const askAndConfirm = async (role: string): Promise<string> => {
    await h.post(messageFrom(SAM, `give Alice ${role} on Contoso's prod subscription`, opts()));
    const requestId = lastCardIn(SAM)?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    const confirmed = await click(SAM, 'confirm', { requestId });
    expect(shown(confirmed)).toContain('Waiting for approval');
    await h.bot.idle();
    return requestId;
  };

  beforeEach(async () => {
    h = await startHarness();
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when Owner is asked, then two distinct approvals are needed and one approver cannot count twice', async () => {
    const requestId = await askAndConfirm('Owner');
    const first = await click(ADA, 'approve', { requestId });
    expect(shown(first)).toContain('Approvals: 1 of 2 — Ada Approver');
    expect(shown(first)).toContain('Waiting for approval');
    const twice = await click(ADA, 'approve', { requestId });
    expect(shown(twice)).toContain('You have already decided on this request');
    await h.bot.idle();
    expect(assignmentsForAlice('Owner')).toHaveLength(0);

    const second = await click(ALEX, 'approve', { requestId });
    expect(shown(second)).toContain('Approvals: 2 of 2 — Ada Approver, Alex Approver');
    await h.bot.idle();
    expect(assignmentsForAlice('Owner')).toHaveLength(1);
    expect(textsTo(SAM).some((t) => t.includes('Done: Alice Martin now has Owner on Contoso Production'))).toBe(true);
  });

  it('when an approver double-clicks Approve, then the request moves once and Azure gets one assignment', async () => {
    const requestId = await askAndConfirm('Contributor');
    const answers = await Promise.all([click(ADA, 'approve', { requestId }), click(ADA, 'approve', { requestId })]);
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    await h.bot.idle();
    expect(assignmentsForAlice('Contributor')).toHaveLength(1);
    expect((await h.bot.store.audit.list(requestId)).filter((e) => e.event === 'approved')).toHaveLength(1);
  });

  it('when two approvers click at once, then one decision wins and the other is told who decided', async () => {
    const requestId = await askAndConfirm('Contributor');
    const [ada, alex] = await Promise.all([click(ADA, 'approve', { requestId }), click(ALEX, 'reject', { requestId, comment: 'no' })]);
    const texts = [shown(ada), shown(alex)];
    expect(texts.filter((t) => t.includes('Already decided')).length).toBe(1);
    await h.bot.idle();
    const decided = (await h.bot.store.audit.list(requestId)).filter((e) => e.event === 'approved' || e.event === 'rejected');
    expect(decided).toHaveLength(1);
    expect(assignmentsForAlice('Contributor')).toHaveLength(decided[0]?.event === 'approved' ? 1 : 0);
  });

  it('when an approver rejects with a comment, then nothing is assigned and the requester reads who and why', async () => {
    const requestId = await askAndConfirm('Contributor');
    const rejected = await click(ALEX, 'reject', { requestId, comment: 'Not for production, use Dev' });
    expect(shown(rejected)).toContain('Status: Rejected');
    await h.bot.idle();
    expect(assignmentsForAlice('Contributor')).toHaveLength(0);
    expect(textsTo(SAM).some((t) => t.includes('Rejected by Alex Approver: "Not for production, use Dev"'))).toBe(true);
    const adaCard = cardOf(h.connector.to(ADA.conversationId).filter((a) => a.method === 'PUT').at(-1));
    expect(cardText(adaCard)).toContain('Status: Rejected');
    expect(buttonsOf(adaCard)).toEqual([]);
  });

  it('when nobody decides within the approval window, then the request times out, the requester is told and Approve is refused', async () => {
    const requestId = await askAndConfirm('Contributor');
    h.clock.advance(24 * 3600_000 + 1000);
    const expired = await h.bot.approval.expireOverdue();
    expect(expired.map((r) => r.id)).toEqual([requestId]);
    await h.bot.idle();
    expect(textsTo(SAM).some((t) => t.includes('Timed out'))).toBe(true);
    expect(buttonsOf(cardOf(h.connector.to(ADA.conversationId).filter((a) => a.method === 'PUT').at(-1)))).toEqual([]);
    const late = await click(ADA, 'approve', { requestId });
    expect(shown(late)).toContain('Timed out');
    await h.bot.idle();
    expect(assignmentsForAlice('Contributor')).toHaveLength(0);
  });

  it('when the requester cancels while pending, then approvers see it cancelled and cannot approve', async () => {
    const requestId = await askAndConfirm('Contributor');
    const cancelled = await click(SAM, 'cancel', { requestId });
    expect(shown(cancelled)).toContain('Status: Cancelled');
    await h.bot.idle();
    expect(cardText(cardOf(h.connector.to(ADA.conversationId).filter((a) => a.method === 'PUT').at(-1)))).toContain('Status: Cancelled');
    await click(ADA, 'approve', { requestId });
    await h.bot.idle();
    expect(assignmentsForAlice('Contributor')).toHaveLength(0);
  });

  it('when the bot restarts mid-approval, then the approval still goes through and everyone is told', async () => {
    const requestId = await askAndConfirm('Contributor');
    await h.restart();
    const approved = await click(ADA, 'approve', { requestId });
    expect(approved.statusCode).toBe(200);
    await h.bot.idle();
    expect(assignmentsForAlice('Contributor')).toHaveLength(1);
    expect(textsTo(SAM).some((t) => t.includes('Done: Alice Martin now has Contributor'))).toBe(true);
  });

  it('when card data names another role, principal or approver, then only the stored request is acted on', async () => {
    const requestId = await askAndConfirm('Reader');
    await click(ADA, 'approve', { requestId, role: 'Owner', roleDefinitionId: ROLE.Owner, principalId: SAM.aadObjectId, approver: ALEX.aadObjectId, scope: '/subscriptions/c0000003-5b50-4000-8000-000000000001' });
    await h.bot.idle();
    expect(assignmentsForAlice('Reader')).toHaveLength(1);
    expect(assignmentsForAlice('Owner')).toHaveLength(0);
    expect(h.sandbox.state.roleAssignments.filter((a) => a.principalId === SAM.aadObjectId)).toHaveLength(0);
    const bogus = await click(ADA, 'approve', { requestId: 'not-a-guid' });
    expect(bogus.value).toBe('This button is not valid any more.');
  });

  /** Clicks without waiting; `answer()` is the click's answer once it came (the click must not wait for what is held). */
  const clickAsync = (who: TeamsUser, verb: string, data: Record<string, unknown>) => {
    let answered = false;
    const answering = click(who, verb, data);
    answering.then(() => (answered = true), () => (answered = true));
    return { answered: () => answered, answer: () => answering };
  };

  it('when Teams is slow to accept messages, then a click is still answered at once and the other cards follow', async () => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = lastCardIn(SAM)?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    const releaseSends = h.connector.holdSends(); // Teams accepts nothing until the test says so
    try {
      const confirming = clickAsync(SAM, 'confirm', { requestId });
      await until('the Confirm click is answered while Teams holds every send', confirming.answered, 3_000);
      expect(shown(await confirming.answer())).toContain('Waiting for approval');
      expect(h.connector.to(ADA.conversationId).filter((a) => cardOf(a))).toHaveLength(0);
    } finally {
      releaseSends();
    }
    await h.bot.idle();
    expect(buttonsOf(lastCardIn(ADA))).toEqual(['Approve', 'Reject']);
  });

  it('when ARM is slow to answer, then the Approve click is answered at once with "granting…" and the outcome follows', async () => {
    const requestId = await askAndConfirm('Contributor');
    h.sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'delay', delayMs: 4000 });
    fakeTimeouts(); // ARM holds the PUT until the test moves the clock 4 s
    try {
      const approving = clickAsync(ADA, 'approve', { requestId });
      await until('the Approve click is answered while ARM holds the PUT', approving.answered, 3_000);
      expect(shown(await approving.answer())).toContain('Approved — granting the role…');
      expect(assignmentsForAlice('Contributor')).toHaveLength(0);
      await clockMovedUntil('Sam is told it is done', () => textsTo(SAM).some((t) => t.includes('Done: Alice Martin now has Contributor')));
      expect(assignmentsForAlice('Contributor')).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
