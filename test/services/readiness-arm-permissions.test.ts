// Azure RBAC's rule for "may the caller write role assignments here?", read from ARM's permissions list (notes §4.1).
import { actionMatches, allowsAction, permissionListSchema, ROLE_ASSIGNMENT_WRITE, type Permission } from '../../src/gateways/arm-permissions';
import GetPermissions from '../fixtures/microsoft-apis/arm-authorization-2022-04-01/examples-typespec-layout/GetPermissions.json';

const role = (actions: string[], notActions: string[] = []): Permission => ({ actions, notActions });
const OWNER = role(['*']);
const CONTRIBUTOR = role(['*'], ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action']);
const USER_ACCESS_ADMINISTRATOR = role(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']);
const RBAC_ADMINISTRATOR = role(['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read']);
const READER = role(['*/read']);

describe('allowsAction(roleAssignments/write)', () => {
  it.each([
    { held: 'Owner', permissions: [OWNER], allowed: true },
    { held: 'User Access Administrator', permissions: [USER_ACCESS_ADMINISTRATOR], allowed: true },
    { held: 'Role Based Access Control Administrator', permissions: [RBAC_ADMINISTRATOR], allowed: true },
    { held: 'Contributor (its notActions take the write away)', permissions: [CONTRIBUTOR], allowed: false },
    { held: 'Reader', permissions: [READER], allowed: false },
    { held: 'nothing (Wingtip after the AOBO Owner was removed)', permissions: [], allowed: false },
    { held: 'Contributor and User Access Administrator (a notAction denies nothing another role allows)', permissions: [CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR], allowed: true },
  ])('when the caller holds $held, then writing role assignments is allowed: $allowed', ({ permissions, allowed }) => {
    expect(allowsAction(permissions, ROLE_ASSIGNMENT_WRITE)).toBe(allowed);
  });

  it('when ARM answers with the published example (empty lists), then the gateway reads it and nothing is allowed', () => {
    const answer = permissionListSchema.parse(GetPermissions.responses['200'].body);
    expect(answer.nextLink).toBe('nextlink');
    expect(allowsAction(answer.value, ROLE_ASSIGNMENT_WRITE)).toBe(false);
  });

  it.each([
    ['*', true],
    ['microsoft.authorization/*', true],
    ['Microsoft.Authorization/roleAssignments/*', true],
    ['Microsoft.Authorization/*/Write', true],
    ['*/read', false],
    ['Microsoft.Authorization/roleAssignments/read', false],
    ['Microsoft.Authorization.roleAssignments.write', false],
  ])('when a pattern is %s, then it matches roleAssignments/write: %s (wildcards, case ignored, dots literal)', (pattern, matches) => {
    expect(actionMatches(pattern, ROLE_ASSIGNMENT_WRITE)).toBe(matches);
  });
});
