// How the sandbox evaluates Azure RBAC as ARM does: action wildcards, NotActions within one role only, ABAC conditions;
// and what a customer accepting the partner's relationships gets.
import { actionMatches, conditionAllows, conditionParses } from '../../src/sandbox/arm-conditions';
import { rolePermits } from '../../src/sandbox/arm-permissions';
import { loadDefaultSeed, SandboxState } from '../../src/sandbox';
import { acceptRelationship } from '../../src/sandbox/relationship-page';

const WRITE = 'Microsoft.Authorization/roleAssignments/write';
const seed = loadDefaultSeed();
const role = (name: string) => {
  const found = seed.roleDefinitions.find((r) => r.roleName === name);
  if (!found) throw new Error(name);
  return found;
};

describe('RBAC actions', () => {
  test.each([
    ['*', WRITE, true],
    ['*/read', 'Microsoft.Authorization/roleAssignments/read', true],
    ['*/read', WRITE, false],
    ['Microsoft.Authorization/*', WRITE, true],
    ['microsoft.authorization/*/WRITE', WRITE, true],
    ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', false],
  ])('when the pattern is %s, then %s matches: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  test.each([
    ['Owner', true], ['User Access Administrator', true], ['Role Based Access Control Administrator', true],
    ['Contributor', false], ['Reader', false], ['Contoso Support Operator', false],
  ])('when the role is %s, then it may write role assignments: %s', (name, expected) => {
    expect(rolePermits(role(name), WRITE)).toBe(expected);
  });

  test("when Contributor's NotActions exclude the write, then they do not take it away from another role the caller also holds", () => {
    const held = [role('Contributor'), role('User Access Administrator')];
    expect(held.some((r) => rolePermits(r, WRITE))).toBe(true);
  });
});

describe('ABAC conditions (Microsoft\'s "delegate role assignments" example)', () => {
  const BACKUP = ['5e467623-bb1f-42f4-a55d-6e525e11384b', 'a795c7a0-d4a2-40c1-ae25-d81f01202912'];
  const condition = `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BACKUP.join(', ')}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BACKUP.join(', ')}} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'User', 'Group'}))`;
  const attrs = (roleDefinitionId: string, principalType: string) => ({ roleDefinitionId, principalType, principalId: 'c0000001-0000-4000-8000-0000000000a1' });

  test.each([
    ['a listed role to a user', WRITE, attrs(BACKUP[0] ?? '', 'User'), true],
    ['a listed role (upper case) to a group', WRITE, attrs((BACKUP[1] ?? '').toUpperCase(), 'group'), true],
    ['Owner to a user', WRITE, attrs('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'User'), false],
    ['a listed role to a service principal', WRITE, attrs(BACKUP[0] ?? '', 'ServicePrincipal'), false],
  ])('when writing %s, then the condition allows it: %s', (_what, action, request, expected) => {
    expect(conditionAllows(condition, { action, request })).toBe(expected);
  });

  test('when deleting, then the existing assignment (@Resource) is what counts; reading is never limited', () => {
    expect(conditionAllows(condition, { action: 'Microsoft.Authorization/roleAssignments/delete', resource: attrs(BACKUP[0] ?? '', 'User') })).toBe(true);
    expect(conditionAllows(condition, { action: 'Microsoft.Authorization/roleAssignments/delete', resource: attrs('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'ForeignGroup') })).toBe(false);
    expect(conditionAllows(condition, { action: 'Microsoft.Authorization/roleAssignments/read' })).toBe(true);
  });

  test('when a condition uses what the sandbox does not know, then it does not parse and allows nothing', () => {
    const unknown = "@Request[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'";
    expect(conditionParses(condition)).toBe(true);
    expect(conditionParses(unknown)).toBe(false);
    expect(conditionAllows(unknown, { action: WRITE, request: attrs(BACKUP[0] ?? '', 'User') })).toBe(false);
  });
});

describe('the customer accepts (relationship page)', () => {
  test('when a customer accepts the reseller invitation, then it becomes a reseller customer without DAP or any GDAP role', () => {
    const state = new SandboxState(seed);
    const northwind = state.customer('c0000004-0000-4000-8000-000000000004');
    if (!northwind) throw new Error('seed');
    northwind.relationshipToPartner = 'none';

    expect(acceptRelationship(state, { customer: northwind.id })).toBe(true);
    expect(northwind).toMatchObject({ relationshipToPartner: 'reseller', allowDelegatedAccess: false });
    expect(state.gdapRelationships.filter((r) => r.customerTenantId === northwind.id)).toEqual([]);
    expect(state.partnerRolesIn('5a0e0001-0000-4000-8000-000000000006', northwind.id).size).toBe(0);
  });

  test('when a customer approves a GDAP relationship, then it is active but gives no role until an access assignment exists', () => {
    const state = new SandboxState(seed);
    const relationship = state.gdapRelationships[0];
    if (!relationship) throw new Error('seed');
    relationship.status = 'approvalPending';
    relationship.accessAssignments = [];

    expect(acceptRelationship(state, { relationship: relationship.id })).toBe(true);
    expect(relationship.status).toBe('active');
    expect(state.customer(relationship.customerTenantId)?.allowDelegatedAccess).toBe(false);
    expect(state.partnerRolesIn('5a0e0001-0000-4000-8000-000000000006', relationship.customerTenantId).size).toBe(0);
  });
});
