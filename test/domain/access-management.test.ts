import { actionMatches, grantsAccessManagement } from '../../src/domain/access-management';

// The built-ins as the sandbox serves them (src/sandbox/seed.json, copied from Azure's definitions).
const OWNER = [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }];
const CONTRIBUTOR = [{
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action', 'Microsoft.Blueprint/blueprintAssignments/write'],
  dataActions: [],
  notDataActions: [],
}];
const READER = [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }];
const UAA = [{ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [], dataActions: [], notDataActions: [] }];
const RBAC_ADMIN = [{ actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read'], notActions: [], dataActions: [], notDataActions: [] }];

describe('actionMatches', () => {
  it('when the pattern has stars, then each stands for any run of characters, none included, case ignored', () => {
    expect(actionMatches('Microsoft.Authorization/*', 'microsoft.authorization/roleAssignments/write')).toBe(true);
    expect(actionMatches('Microsoft.Authorization/*/write', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
    expect(actionMatches('*/write', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
    expect(actionMatches('Microsoft.Authorization/role*s/write', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
    expect(actionMatches('Microsoft.Authorization/roleAssignments/write*', 'Microsoft.Authorization/roleAssignments/write')).toBe(true);
  });

  it('when the pattern does not cover the action, then it does not match', () => {
    expect(actionMatches('*/read', 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    expect(actionMatches('Microsoft.Authorization/*/delete', 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    expect(actionMatches('Microsoft.Compute/*', 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    expect(actionMatches('Microsoft.Authorization/roleAssignments', 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    // The pieces around a star may not overlap: "ab*ba" needs at least "abba".
    expect(actionMatches('ab*ba', 'aba')).toBe(false);
    expect(actionMatches('ab*ba', 'abba')).toBe(true);
  });

  it('when a custom role carries a pattern of many stars, then it is still read right (no backtracking regex)', () => {
    expect(actionMatches(`${'*a'.repeat(40)}*b`, 'a'.repeat(60))).toBe(false);
    expect(actionMatches(`${'*a'.repeat(3)}*b`, 'xaxaxaxb')).toBe(true);
  });
});

describe('grantsAccessManagement', () => {
  it('when the role is Owner, User Access Administrator or RBAC Administrator, then it hands out access', () => {
    expect(grantsAccessManagement(OWNER)).toBe(true);
    expect(grantsAccessManagement(UAA)).toBe(true);
    expect(grantsAccessManagement(RBAC_ADMIN)).toBe(true);
  });

  it('when the role is Contributor or Reader, then it does not (notActions take Microsoft.Authorization writes away)', () => {
    expect(grantsAccessManagement(CONTRIBUTOR)).toBe(false);
    expect(grantsAccessManagement(READER)).toBe(false);
  });

  it('when a custom role writes with wildcards, then it hands out access unless its own notActions take it away', () => {
    expect(grantsAccessManagement([{ actions: ['Microsoft.Authorization/*/write'] }])).toBe(true);
    expect(grantsAccessManagement([{ actions: ['*/write'] }])).toBe(true);
    expect(grantsAccessManagement([{ actions: ['*/write'], notActions: ['Microsoft.Authorization/*'] }])).toBe(false);
    expect(grantsAccessManagement([{ actions: ['Microsoft.Authorization/*/write'], notActions: ['Microsoft.Authorization/roleAssignments/write'] }])).toBe(true); // still roleDefinitions/write
    expect(grantsAccessManagement([{ actions: ['Microsoft.Authorization/roleDefinitions/write'] }])).toBe(true);
  });

  it('when one entry takes access management away, then it does not deny what another entry of the role allows', () => {
    expect(grantsAccessManagement([
      { actions: ['*'], notActions: ['Microsoft.Authorization/*'] },
      { actions: ['Microsoft.Authorization/roleAssignments/write'], notActions: [] },
    ])).toBe(true);
  });

  it('when a role only reads or acts on data, then it does not hand out access', () => {
    expect(grantsAccessManagement([{ actions: [], dataActions: ['*'] }])).toBe(false);
    expect(grantsAccessManagement([{ actions: ['Microsoft.Authorization/*/read', 'Microsoft.Compute/*'] }])).toBe(false);
    expect(grantsAccessManagement([])).toBe(false);
  });
});
