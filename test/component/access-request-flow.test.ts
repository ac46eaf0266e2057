// The whole flow through the real HTTP endpoint: message → confirmation card → approval cards → approve → ARM.
import { v5 as uuidv5 } from 'uuid';
import { ASSIGNMENT_NAMESPACE } from '../../src/services/intake';
import { buttonsOf, cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, OTHER_TENANT, PAT, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';

interface InvokeBody {
  statusCode: number;
  type: string;
  value: CardJson | string | { code: string; message: string };
}

describe('an access request, end to end', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const click = async (who: TeamsUser, verb: string, data: Record<string, unknown>) => {
    const response = await h.post(actionFrom(who, verb, data, opts()));
    expect(response.status).toBe(200);
    return response.body as InvokeBody;
  };
  const contributorAssignmentsForAlice = () =>
    h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE_MARTIN && a.roleDefinitionName === CONTRIBUTOR);

  /** Sam asks; returns the request id carried by the confirmation card's buttons. */
  const samAsks = async (text = "give Alice Contributor on Contoso's prod subscription", who: TeamsUser = SAM): Promise<string> => {
    await h.post(messageFrom(who, text, opts()));
    const card = cardOf(h.connector.to(who.conversationId).at(-1));
    const requestId = card?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card; got ${JSON.stringify(h.connector.to(who.conversationId).at(-1)?.body)}`);
    return requestId;
  };

  beforeEach(async () => {
    h = await startHarness();
    // Arrange: both approvers installed the bot, so their 1:1 chats are known.
    for (const approver of [ADA, ALEX]) expect((await h.post(installFrom(approver, opts()))).status).toBe(200);
  });
  afterEach(async () => h.stop());

  it('when a sales agent asks, confirms and an approver approves, then Azure holds exactly one matching assignment and everyone is told', async () => {
    // Act 1: the sales agent writes the request.
    const asked = await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    expect(asked.status).toBe(200);
    const confirmation = cardOf(h.connector.to(SAM.conversationId).at(-1));
    expect(cardText(confirmation)).toContain('Alice Martin (alice@contoso.onmicrosoft.com)');
    expect(cardText(confirmation)).toContain('Role: Contributor');
    expect(cardText(confirmation)).toContain('Customer: Contoso');
    expect(cardText(confirmation)).toContain('Contoso Production');
    expect(buttonsOf(confirmation)).toEqual(['Confirm', 'Cancel']);
    const requestId = confirmation?.actions?.[0]?.data?.requestId as string;
    expect(confirmation?.actions?.every((a) => a.type === 'Action.Execute' && JSON.stringify(a.data) === JSON.stringify({ requestId }))).toBe(true);

    // Act 2: confirm → the card answers at once, approval cards go to both approvers.
    const confirmed = await click(SAM, 'confirm', { requestId });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(confirmed.value as CardJson)).toContain('Waiting for approval');
    expect(buttonsOf(confirmed.value as CardJson)).toEqual(['Cancel']);
    await h.bot.idle();
    for (const approver of [ADA, ALEX]) {
      const approvalCard = cardOf(h.connector.to(approver.conversationId).filter((a) => a.method === 'POST').at(-1));
      expect(buttonsOf(approvalCard)).toEqual(['Approve', 'Reject', 'Cancel'].filter((b) => b !== 'Cancel'));
      expect(cardText(approvalCard)).toContain('Requested by: Sam Seller');
      expect(approvalCard?.refresh?.userIds).toEqual(expect.arrayContaining([ADA.teamsId, ALEX.teamsId]));
    }
    expect(contributorAssignmentsForAlice()).toHaveLength(0);

    // Act 3: Ada approves.
    const approved = await click(ADA, 'approve', { requestId, comment: 'ok for the release' });
    expect(approved.statusCode).toBe(200);
    expect(buttonsOf(approved.value as CardJson)).toEqual([]);
    await h.bot.idle();

    // Assert: Azure (the sandbox's ARM) holds exactly one matching assignment, named from the request id.
    const assignments = contributorAssignmentsForAlice();
    expect(assignments).toHaveLength(1);
    expect(assignments[0]?.name).toBe(uuidv5(requestId, ASSIGNMENT_NAMESPACE));
    expect(assignments[0]?.principalType).toBe('User');

    // Assert: the requester and the approver are told; the approval cards show the final state without buttons.
    const toSam = h.connector.to(SAM.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
    expect(toSam.some((text) => text.includes('Done: Alice Martin now has Contributor on Contoso Production'))).toBe(true);
    const toAda = h.connector.to(ADA.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
    expect(toAda.some((text) => text.includes('Done: Alice Martin now has Contributor'))).toBe(true);
    for (const approver of [ADA, ALEX]) {
      const lastUpdate = h.connector.to(approver.conversationId).filter((a) => a.method === 'PUT').at(-1);
      expect(cardText(cardOf(lastUpdate))).toContain('Status: Granted');
      expect(buttonsOf(cardOf(lastUpdate))).toEqual([]);
    }
    const samCard = h.connector.to(SAM.conversationId).filter((a) => a.method === 'PUT').at(-1);
    expect(cardText(cardOf(samCard))).toContain('Status: Granted');

    // A second click on Approve changes nothing.
    const again = await click(ALEX, 'approve', { requestId });
    expect(cardText(again.value as CardJson)).toContain('Already decided: Granted by Ada Approver');
    await h.bot.idle();
    expect(contributorAssignmentsForAlice()).toHaveLength(1);
  });

  it('when the requester is an approver and approves their own request, then it is refused and nothing is assigned', async () => {
    const requestId = await samAsks(undefined, ADA);
    await click(ADA, 'confirm', { requestId });
    const selfApproval = await click(ADA, 'approve', { requestId });
    expect(cardText(selfApproval.value as CardJson)).toContain('You cannot approve or reject your own request');
    expect(cardText(selfApproval.value as CardJson)).toContain('Waiting for approval');
    await h.bot.idle();
    expect(contributorAssignmentsForAlice()).toHaveLength(0);
  });

  it('when someone who is not an approver clicks Approve, even with an approver named in the data, then it is refused', async () => {
    const requestId = await samAsks();
    await click(SAM, 'confirm', { requestId });
    for (const who of [PAT, SAM]) {
      const forged = await click(who, 'approve', { requestId, approver: ADA.aadObjectId, from: ADA.aadObjectId });
      expect(cardText(forged.value as CardJson)).toContain('Only approvers can approve or reject requests');
    }
    await h.bot.idle();
    expect(contributorAssignmentsForAlice()).toHaveLength(0);
  });

  it('when an activity comes from another tenant, then it is refused: no card, no request, nothing assigned', async () => {
    const before = h.connector.sent.length;
    const response = await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", { ...opts(), tenantId: OTHER_TENANT }));
    expect(response.status).toBe(200);
    const replies = h.connector.sent.slice(before);
    expect(replies.map((a) => cardOf(a))).toEqual(replies.map(() => undefined));
    expect(replies.map((a) => a.body.text)).toEqual(['This bot only works for the partner organisation that runs it.']);
    expect((await h.bot.store.requests.listByState(['draft', 'pending_approval']))).toHaveLength(0);

    const invoke = await click({ ...ADA }, 'approve', { requestId: '00000000-0000-4000-8000-000000000000' });
    expect(invoke.statusCode).toBe(200);
    const foreignInvoke = await h.post(actionFrom(ADA, 'approve', { requestId: '00000000-0000-4000-8000-000000000000' }, { ...opts(), tenantId: OTHER_TENANT }));
    expect(foreignInvoke.status).toBe(200);
    expect(foreignInvoke.body).toMatchObject({ statusCode: 403, type: 'application/vnd.microsoft.error' });
  });
});
