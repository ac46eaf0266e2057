// A customer's custom role that may hand out access is held to what Owner needs, whatever its name: two approvals under
// the default policy and the card's warning, read from the role's permissions as ARM serves them. A custom role whose
// notActions take role assignments away (Contributor-like) stays an ordinary role.
import { cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const BREAK_GLASS = 'c0000001-b9a5-4000-8000-00000000b9a5';
const OPERATOR = 'c0000001-0905-4000-8000-000000000905';

type RoleDefinition = (Harness['sandbox']['state']['roleDefinitions'])[number];

describe('a custom role that hands out access needs what Owner needs', () => {
  let h: Harness;
  const { opts, samAsks, click } = conversation(() => h);
  const assigned = (role: string) => h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE && a.roleDefinitionName === role);

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
    // Contoso's own admins defined a role that may do anything on the subscription, access management included, and
    // one that may do anything but touch access (Contributor's notActions).
    h.sandbox.state.roleDefinitions.push(
      {
        name: BREAK_GLASS,
        roleName: 'Contoso Break Glass',
        roleType: 'CustomRole',
        description: 'Everything, for emergencies.',
        assignableScopes: [CONTOSO_PROD],
        permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
      } as RoleDefinition,
      {
        name: OPERATOR,
        roleName: 'Contoso Operator',
        roleType: 'CustomRole',
        description: 'Everything but access.',
        assignableScopes: [CONTOSO_PROD],
        permissions: [{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/elevateAccess/Action'], dataActions: [], notDataActions: [] }],
      } as RoleDefinition,
    );
  });
  afterEach(async () => h.stop());

  it('when Sam asks for "Contoso Break Glass" (actions: *), then his card warns that Alice will decide who has access', async () => {
    const { card } = await samAsks('give Alice the "Contoso Break Glass" role on Contoso prod');
    expect(cardText(card)).toContain('will be able to manage');
  });

  it('when one approver approves "Contoso Break Glass", then nothing is granted yet; the second approval grants it', async () => {
    const { requestId } = await samAsks('give Alice the "Contoso Break Glass" role on Contoso prod');
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);

    expect(assigned(BREAK_GLASS)).toEqual([]);
    expect((await h.bot.store.requests.get(requestId as never))?.requiredApprovals).toBe(2);

    await click(ALEX, 'approve', requestId);
    expect(assigned(BREAK_GLASS)).toHaveLength(1);
  });

  it('when Sam asks for "Contoso Operator" (everything but access), then one approval grants it, with no warning', async () => {
    const { card, requestId } = await samAsks('give Alice the "Contoso Operator" role on Contoso prod');
    expect(cardText(card)).not.toContain('will be able to manage');
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);

    expect(assigned(OPERATOR)).toHaveLength(1);
  });
});
