// Four eyes with guest accounts: an approver whose B2B guest account sits in the customer's directory (usual for partner
// staff) cannot approve a grant to that account — to herself — when a colleague files the request; another approver can.
// (From a review finding: "no self-approval" once compared only the approver with the requester.)
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ADAS_GUEST = 'c0000001-0000-4000-8000-0000000000ad';

describe('an approver cannot approve access for her own guest account', () => {
  let h: Harness;
  const { opts, samAsks, click } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness();
    for (const who of [ADA, ALEX]) await h.post(installFrom(who, opts()));
    // Ada Approver (ada@litwarecsp.onmicrosoft.com in the partner tenant) is a guest in Contoso's directory.
    h.sandbox.state.users.push({
      id: ADAS_GUEST,
      tenantId: CONTOSO,
      displayName: 'Ada Approver',
      givenName: 'Ada',
      surname: 'Approver',
      userPrincipalName: 'ada_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com',
      mail: 'ada@litwarecsp.onmicrosoft.com',
      userType: 'Guest',
      jobTitle: null,
    } as (typeof h.sandbox.state.users)[number]);
  });
  afterEach(async () => h.stop());

  it('when Sam asks Contributor for Ada\'s guest account and Ada approves, then nothing is granted', async () => {
    const { card, requestId } = await samAsks("give ada_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com Contributor on Contoso's prod subscription");
    expect(JSON.stringify(card)).toContain('Ada Approver');
    await click(SAM, 'confirm', requestId);
    const answer = await click(ADA, 'approve', requestId);

    expect(answer).toContain('You cannot approve access for yourself: this user is your own account in the customer\'s directory.');
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    expect(h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ADAS_GUEST)).toEqual([]);
  });

  it('when Sam asks Contributor for Ada\'s guest account and Alex approves, then Ada\'s guest account has it', async () => {
    const { requestId } = await samAsks("give ada_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com Contributor on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    await click(ALEX, 'approve', requestId);

    expect(h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ADAS_GUEST)).toHaveLength(1);
  });
});
