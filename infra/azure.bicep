// CSP Access Bot in Azure: App Service on Linux (Node 20) running the bot, an Azure Bot (single-tenant, Microsoft
// Teams channel) pointing at it, and a storage account. Deployed by `atk provision` (m365agents.yml, arm/deploy) with
// azure.parameters.json; outputs are written back to env/.env.<env>.

@description('Appended to every resource name; empty: derived from the resource group id (stable per group).')
@maxLength(12)
param resourceSuffix string = ''

@description('Azure region of the App Service and the storage account (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('App Service plan SKU: B1 is the smallest with Always On (needed so approvals are not delayed by cold starts).')
param webAppSku string = 'B1'

@maxLength(42)
param botDisplayName string = 'CSP Access Bot'

@description('The bot app registration (aadApp/create in m365agents.yml): client id, secret and tenant.')
param botAadAppClientId string
@secure()
param botAadAppClientSecret string
param botTenantId string = tenant().tenantId

@description('The CSP partner tenant: activities from any other tenant are refused.')
param partnerTenantId string = tenant().tenantId

@description('Comma-separated Entra object ids of the partner users who may approve.')
param approvers string

@description('The partner app that calls Partner Center, Graph and ARM (multi-tenant, with GDAP).')
param azureClientId string
@secure()
param azureClientSecret string
param azureTenantId string = tenant().tenantId

param logLevel string = 'info'

var suffix = empty(resourceSuffix) ? take(uniqueString(resourceGroup().id), 8) : toLower(resourceSuffix)
var baseName = 'csp-access-${suffix}'

// Kept for the bot's data beyond the App Service: the SQLite file lives in the App Service's persistent /home;
// this account holds its backups and audit exports (container "backups").
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('cspaccess${replace(suffix, '-', '')}', 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: true
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
  sku: { name: webAppSku }
  properties: { reserved: true } // Linux
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: baseName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/main.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/health'
      appSettings: [
        // App Service builds the uploaded sources (npm install, npm run build): native modules match its Linux.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
        { name: 'CLOUD', value: 'azure' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TENANT_ID', value: botTenantId }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'PARTNER_TENANT_ID', value: partnerTenantId }
        { name: 'APPROVERS', value: approvers }
        { name: 'AZURE_CLIENT_ID', value: azureClientId }
        { name: 'AZURE_CLIENT_SECRET', value: azureClientSecret }
        { name: 'AZURE_TENANT_ID', value: azureTenantId }
        // /home is the App Service's persistent storage, kept across restarts and deployments.
        { name: 'STORE', value: 'sqlite:/home/data/csp-access-bot.db' }
        { name: 'LOG_LEVEL', value: logLevel }
        { name: 'AZURE_STORAGE_ACCOUNT_NAME', value: storage.name }
      ]
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
