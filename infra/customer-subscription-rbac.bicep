// Per customer subscription, once: the one role the bot's principal needs to hand out roles there — Role Based Access
// Control Administrator, constrained by an ABAC condition to the roles your policy lets people ask for and to
// principals of type User (the bot assigns only users). Deploy it signed in to the customer's tenant (for an Azure plan
// subscription, a partner admin agent with GDAP can, through the Admin Agents' Owner assignment):
//   az deployment sub create --location <region> --template-file infra/customer-subscription-rbac.bicep \
//     --parameters @infra/customer-subscription-rbac.parameters.json --parameters principalId=<object id>
// Examples of such conditions: https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-examples
targetScope = 'subscription'

@description('Object id of the principal that gets the role, in the customer tenant: ACCESS_MODEL=app, the partner app\'s service principal there (Enterprise applications > the app > Object ID).')
param principalId string

@description('ServicePrincipal for the app model\'s service principal; Group or ForeignGroup if you choose to constrain a group instead.')
@allowed([
  'ServicePrincipal'
  'Group'
  'ForeignGroup'
])
param principalType string = 'ServicePrincipal'

@description('Role definition GUIDs the bot may assign and remove, comma-separated: exactly the roles your policy allows. Never Owner, User Access Administrator or RBAC Administrator. Default: Contributor, Reader.')
param allowedRoleDefinitionIds string = 'b24988ac-6180-42a0-ab88-20f7382dd24c, acdd72a7-3385-48ef-bd42-f606fba81ae7'

@description('Principal types the bot may assign the roles to. The bot assigns users (members and guests) only.')
param allowedPrincipalTypes string = '\'User\''

// Built-in role: Role Based Access Control Administrator.
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#role-based-access-control-administrator
var rbacAdministratorRoleId = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'

// Write is checked against the request (@Request), delete against the existing assignment (@Resource): the bot can add
// and remove (time-bound access, revocation) these roles for users, nothing else.
var condition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoleDefinitionIds}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {${allowedPrincipalTypes}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoleDefinitionIds}} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {${allowedPrincipalTypes}}))'

resource constrainedRbacAdministrator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, rbacAdministratorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministratorRoleId)
    principalId: principalId
    principalType: principalType
    description: 'CSP Access Bot: may assign and remove only the roles its policy allows, to users only.'
    condition: condition
    conditionVersion: '2.0'
  }
}

output roleAssignmentId string = constrainedRbacAdministrator.id
output condition string = condition
