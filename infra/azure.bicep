// CSP Access Bot in Azure: App Service on Linux (Node 22 LTS) running the bot, an Azure Bot (single-tenant, Microsoft
// Teams channel) pointing at it, a Key Vault holding every secret and the partner's refresh token, a storage account
// whose Table service is the bot's store (STORE=azure-table: requests, audit trail, outbox, shared by every instance),
// and one user-assigned managed identity that reads those secrets (Key Vault references), writes the rotated refresh
// token, reads and writes the store's table (no account key anywhere), and stands in for the partner app's secret
// (federated credential). Deployed by `atk provision` (m365agents.yml,
// arm/deploy) with azure.parameters.json; outputs are written back to env/.env.<env>. See docs/azure-setup.md.

@description('Appended to every resource name; empty: derived from the resource group id (stable per group).')
@maxLength(12)
param resourceSuffix string = ''

@description('Azure region of the App Service, the Key Vault, the identity and the storage account (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('App Service plan SKU: B1 is the smallest with Always On (needed so approvals are not delayed by cold starts).')
param webAppSku string = 'B1'

// Node 20 reached its end of life on 30 April 2026: App Service drops such a line from the stacks it offers, unpatched.
// 22 is the oldest line still maintained (until April 2027); package.json's engines accept both, better-sqlite3 is
// built for the chosen line by App Service itself (SCM_DO_BUILD_DURING_DEPLOYMENT).
@description('Node.js line of the App Service (linuxFxVersion NODE|<this>). Move to the next LTS once tested there.')
@allowed([
  '22-lts'
  '24-lts'
  '20-lts'
])
param nodeVersion string = '22-lts'

@description('How many instances run the bot. All share the Table store; each periodic job and the sending of messages is done by one instance at a time (leases in the store). B1 allows up to 3.')
@minValue(1)
param instanceCount int = 1

@maxLength(42)
param botDisplayName string = 'CSP Access Bot'

@description('The bot app registration (aadApp/create in m365agents.yml): client id, secret and tenant. The secret goes to Key Vault only.')
param botAadAppClientId string
@secure()
param botAadAppClientSecret string
param botTenantId string = tenant().tenantId

@description('The CSP partner tenant: activities from any other tenant are refused.')
param partnerTenantId string = tenant().tenantId

@description('Comma-separated Entra object ids of the partner users who may approve.')
param approvers string

@description('How the bot acts in customer tenants: delegated (Secure Application Model, GDAP) or app (client credentials, customers onboarded one by one).')
@allowed([
  'delegated'
  'app'
])
param accessModel string = 'delegated'

@description('The partner\'s multi-tenant app registration (application id) that calls Partner Center, Graph and ARM.')
param azureClientId string

@description('How that app proves itself: managedIdentity (no secret: the identity below is a federated credential of the app; the app must be in this subscription\'s tenant) or secret (its client secret, kept in Key Vault).')
@allowed([
  'managedIdentity'
  'secret'
])
param partnerAppCredential string = 'managedIdentity'

@description('partnerAppCredential=secret only: the partner app\'s client secret. It is stored in Key Vault, never in an app setting.')
@secure()
param azureClientSecret string = ''

@description('Key Vault secret that holds the newest refresh token of the partner service account (delegated model); `npm run consent` writes it, the bot rotates it.')
param refreshTokenSecretName string = 'partner-refresh-token'

@description('delegated model: object id(s) of the partner security group(s) that GDAP access assignments give the roles to (the group of the service account, nested under Admin Agents), comma-separated.')
param gdapSecurityGroups string = ''

@description('How customers without a relationship are invited: gdap (a GDAP relationship request; delegated model) or reseller (the reseller relationship link).')
@allowed([
  'gdap'
  'reseller'
])
param relationshipMode string = 'gdap'

@description('app model: the reseller relationship link copied once from Partner Center (Customers > Request a reseller relationship).')
param relationshipRequestUrl string = ''

@description('Optional: the object id of the admin who runs `npm run consent` (it writes the first refresh token into the vault): given Key Vault Secrets Officer on this vault.')
param consentOperatorObjectId string = ''

param logLevel string = 'info'

// The bot's optional knobs (src/config.ts; README "Configuration"). A deployment replaces every App Service setting
// with the template's, so a knob set by hand in the portal is gone at the next `atk provision`: set them here (from
// env/.env.<env>) instead. Empty or `none`: the bot's own default.
@description('Optional: a Teams channel id (19:…@thread.tacv2) where approval cards go instead of the approvers\' 1:1 chats.')
param approvalChannel string = ''
@description('Optional: how long a confirmed request waits for a decision (bot default 24h).')
param approvalTtl string = ''
@description('Optional: the access policy file, relative to the deployed app (bot default policy.default.yaml).')
param policyFile string = ''
@description('Optional: messages per user per window, like 20/10m (bot default).')
param rateLimit string = ''
@description('Optional: how long before time-bound access ends the requester is reminded (bot default 1h; 0s: never).')
param expiryReminderBefore string = ''
@description('Optional: how long ARM\'s PrincipalNotFound is retried after approval (bot default 10m).')
param principalReplicationWindow string = ''
@description('Optional, gdap mode: Entra role template ids a new GDAP relationship asks for, comma-separated (bot default Directory Readers, Cloud Application Administrator).')
param gdapRoles string = ''
@description('Optional, gdap mode: a new relationship\'s duration, P1D to P730D (bot default P730D).')
param gdapDuration string = ''
@description('Optional, gdap mode: P180D or PT0S (auto-extension of new relationships).')
param gdapAutoExtend string = ''
@description('Optional: how often a waiting customer\'s acceptance is checked (bot default 5m).')
param relationshipPollInterval string = ''
@description('Optional: when the sales agent is reminded of a customer who has not accepted (bot default 3d).')
param relationshipReminderAfter string = ''
@description('Optional: when a request waiting for a customer ends (bot default 14d).')
param relationshipExpiresAfter string = ''

var suffix = empty(resourceSuffix) ? take(uniqueString(resourceGroup().id), 8) : toLower(resourceSuffix)
var baseName = 'csp-access-${suffix}'
// Built-in role: Key Vault Secrets Officer (read and write secrets; the bot writes each rotated refresh token).
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-officer
var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
// Built-in role: Storage Table Data Contributor (read, write and delete tables and entities).
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-table-data-contributor
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// The table the bot's store uses when STORE names none (src/store/table-store.ts); created here so it exists at the first start.
var storeTableName = 'cspaccessbot'
var usesAppSecret = partnerAppCredential == 'secret'
// `atk provision` stops on a parameter whose ${{VAR}} is empty in env/.env.<env> (the toolkit leaves it unresolved:
// MissingEnvironmentVariablesError), so the env file writes `none` for "not set"; here it becomes the empty value the
// bot reads as its default.
var unset = 'none'
var consentOperator = toLower(consentOperatorObjectId) == unset ? '' : consentOperatorObjectId
var knobs = {
  GDAP_SECURITY_GROUPS: toLower(gdapSecurityGroups) == unset ? '' : gdapSecurityGroups
  RELATIONSHIP_REQUEST_URL: toLower(relationshipRequestUrl) == unset ? '' : relationshipRequestUrl
  APPROVAL_CHANNEL: toLower(approvalChannel) == unset ? '' : approvalChannel
  APPROVAL_TTL: toLower(approvalTtl) == unset ? '' : approvalTtl
  POLICY_FILE: toLower(policyFile) == unset ? '' : policyFile
  RATE_LIMIT: toLower(rateLimit) == unset ? '' : rateLimit
  EXPIRY_REMINDER_BEFORE: toLower(expiryReminderBefore) == unset ? '' : expiryReminderBefore
  PRINCIPAL_REPLICATION_WINDOW: toLower(principalReplicationWindow) == unset ? '' : principalReplicationWindow
  GDAP_ROLES: toLower(gdapRoles) == unset ? '' : gdapRoles
  GDAP_DURATION: toLower(gdapDuration) == unset ? '' : gdapDuration
  GDAP_AUTO_EXTEND: toLower(gdapAutoExtend) == unset ? '' : gdapAutoExtend
  RELATIONSHIP_POLL_INTERVAL: toLower(relationshipPollInterval) == unset ? '' : relationshipPollInterval
  RELATIONSHIP_REMINDER_AFTER: toLower(relationshipReminderAfter) == unset ? '' : relationshipReminderAfter
  RELATIONSHIP_EXPIRES_AFTER: toLower(relationshipExpiresAfter) == unset ? '' : relationshipExpiresAfter
}

// One identity for everything the App Service does in Azure: Key Vault references, the refresh token, and (as a
// federated credential of the partner app) the app's tokens in every customer tenant.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: baseName
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('cspaccess-${suffix}', 24)
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    // Azure RBAC, not access policies: the identity gets exactly one data-plane role on this vault.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-password'
  properties: {
    value: botAadAppClientSecret
    contentType: 'Bot app registration client secret (BOT_PASSWORD)'
  }
}

resource appSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (usesAppSecret) {
  parent: vault
  name: 'partner-app-secret'
  properties: {
    value: azureClientSecret
    contentType: 'Partner multi-tenant app client secret (AZURE_CLIENT_SECRET)'
  }
}

// Secrets Officer, not Secrets User: the bot must write the refresh token Entra rotates on every redemption.
resource identityOnVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorOnVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(consentOperator)) {
  name: guid(vault.id, consentOperator, keyVaultSecretsOfficerRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficerRoleId)
    principalId: consentOperator
    principalType: 'User'
  }
}

// The bot's store: one table (requests, their audit chains, the outbox, leases) that every instance reads and writes
// with the identity's token. Not SQLite on /home: that is a network share, where SQLite's WAL does not work, and one
// file cannot be shared by several instances. Container "backups" keeps audit exports.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('cspaccess${replace(suffix, '-', '')}', 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Entra ID only: no account key or SAS can read the audit trail; the portal signs in with Entra too.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource storeTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: storeTableName
}

// Data-plane role on this account only: the bot's identity reads and writes entities; it cannot list keys or change
// the account.
resource identityOnTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource backups 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'backups'
  properties: { publicAccess: 'None' }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: baseName
  location: location
  kind: 'linux'
  sku: { name: webAppSku, capacity: instanceCount }
  properties: { reserved: true } // Linux
}

// A Key Vault reference without a version follows the newest version of the secret.
var botPasswordReference = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/bot-password/)'
var appSecretReference = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/partner-app-secret/)'

var commonSettings = [
  // App Service builds the uploaded sources (npm install, npm run build): native modules match its Linux.
  { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
  { name: 'CLOUD', value: 'azure' }
  { name: 'BOT_ID', value: botAadAppClientId }
  { name: 'BOT_PASSWORD', value: botPasswordReference }
  { name: 'BOT_TENANT_ID', value: botTenantId }
  { name: 'BOT_TYPE', value: 'SingleTenant' }
  { name: 'PARTNER_TENANT_ID', value: partnerTenantId }
  { name: 'APPROVERS', value: approvers }
  { name: 'ACCESS_MODEL', value: accessModel }
  { name: 'AZURE_CLIENT_ID', value: azureClientId }
  { name: 'AZURE_TENANT_ID', value: partnerTenantId }
  // The identity's client id: which of the App Service's identities reads and writes the vault and the store's table.
  { name: 'AZURE_MANAGED_IDENTITY_CLIENT_ID', value: identity.properties.clientId }
  { name: 'KEY_VAULT_URL', value: vault.properties.vaultUri }
  { name: 'REFRESH_TOKEN_SECRET_NAME', value: refreshTokenSecretName }
  { name: 'RELATIONSHIP_MODE', value: relationshipMode }
  { name: 'GDAP_SECURITY_GROUPS', value: knobs.GDAP_SECURITY_GROUPS }
  { name: 'RELATIONSHIP_REQUEST_URL', value: knobs.RELATIONSHIP_REQUEST_URL }
  // The Table endpoint alone (no key): the bot signs in with AZURE_MANAGED_IDENTITY_CLIENT_ID's identity.
  { name: 'STORE', value: 'azure-table:${storage.properties.primaryEndpoints.table}' }
  { name: 'LOG_LEVEL', value: logLevel }
  { name: 'APPROVAL_CHANNEL', value: knobs.APPROVAL_CHANNEL }
  { name: 'APPROVAL_TTL', value: knobs.APPROVAL_TTL }
  { name: 'POLICY_FILE', value: knobs.POLICY_FILE }
  { name: 'RATE_LIMIT', value: knobs.RATE_LIMIT }
  { name: 'EXPIRY_REMINDER_BEFORE', value: knobs.EXPIRY_REMINDER_BEFORE }
  { name: 'PRINCIPAL_REPLICATION_WINDOW', value: knobs.PRINCIPAL_REPLICATION_WINDOW }
  { name: 'GDAP_ROLES', value: knobs.GDAP_ROLES }
  { name: 'GDAP_DURATION', value: knobs.GDAP_DURATION }
  { name: 'GDAP_AUTO_EXTEND', value: knobs.GDAP_AUTO_EXTEND }
  { name: 'RELATIONSHIP_POLL_INTERVAL', value: knobs.RELATIONSHIP_POLL_INTERVAL }
  { name: 'RELATIONSHIP_REMINDER_AFTER', value: knobs.RELATIONSHIP_REMINDER_AFTER }
  { name: 'RELATIONSHIP_EXPIRES_AFTER', value: knobs.RELATIONSHIP_EXPIRES_AFTER }
]
var secretSettings = [
  { name: 'AZURE_CLIENT_SECRET', value: appSecretReference }
]
var managedIdentitySettings = [
  // No secret: the identity's token is the client assertion of the partner app (workload identity federation).
  { name: 'AZURE_USE_MANAGED_IDENTITY', value: 'true' }
]

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: baseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No ARR affinity cookie: any instance may take any activity (the store is shared), and Bot Service keeps none.
    clientAffinityEnabled: false
    // Key Vault references resolve with the user-assigned identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|${nodeVersion}'
      appCommandLine: 'node dist/src/main.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/health'
      appSettings: concat(commonSettings, usesAppSecret ? secretSettings : managedIdentitySettings)
    }
  }
  // The references must resolve at the first start: the roles, the secrets and the table exist before the app.
  dependsOn: [
    identityOnVault
    botPasswordSecret
    appSecret
    identityOnTables
    storeTable
  ]
}

// The bot's log lines (pino, on stdout) kept in /home/LogFiles and shown by the log stream (`az webapp log tail`): a
// Linux app keeps none until file-system logging is on. A week, at most 35 MB.
resource webAppLogs 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'logs'
  properties: {
    httpLogs: {
      fileSystem: { enabled: true, retentionInDays: 7, retentionInMb: 35 }
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: baseName
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output KEY_VAULT_URL string = vault.properties.vaultUri
output KEY_VAULT_NAME string = vault.name
// For the federated credential on the partner app (docs/azure-setup.md): subject = this principal id.
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
