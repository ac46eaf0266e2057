// An unresolved Key Vault reference: when App Service cannot resolve a Key Vault reference (the identity's role not yet effective,
// a wrong vault URI, a deleted secret), it hands the app the reference text itself, "@Microsoft.KeyVault(…)", as the
// setting's value (https://learn.microsoft.com/azure/app-service/app-service-key-vault-references, "Troubleshoot Key
// Vault references"). The bot then starts "configured" and fails later with opaque 401s from Entra and the Bot
// Connector ("This bot is not responding"). It should refuse to start, naming the key and saying why.
import { configProblems } from '../support/config-problems';

// The App Service settings infra/azure.bicep gives (partnerAppCredential=secret), as the process receives them.
const azureSettings = {
  CLOUD: 'azure',
  BOT_ID: 'b0700000-0000-4000-8000-000000000001',
  BOT_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34',
  BOT_TYPE: 'SingleTenant',
  PARTNER_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34',
  APPROVERS: '5a0e0001-0000-4000-8000-000000000002',
  ACCESS_MODEL: 'delegated',
  AZURE_CLIENT_ID: 'a0000000-0000-4000-8000-000000000001',
  AZURE_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34',
  AZURE_MANAGED_IDENTITY_CLIENT_ID: 'c0000000-0000-4000-8000-000000000001',
  KEY_VAULT_URL: 'https://cspaccess-abc.vault.azure.net/',
  STORE: 'azure-table:https://cspaccessabc.table.core.windows.net/',
};
const unresolved = (secret: string) => `@Microsoft.KeyVault(SecretUri=https://cspaccess-abc.vault.azure.net/secrets/${secret}/)`;

const problemsOf = configProblems;

describe('an unresolved App Service Key Vault reference', () => {
  it('when BOT_PASSWORD arrives as the reference text, then the bot refuses to start, naming BOT_PASSWORD and the unresolved reference', () => {
    const problems = problemsOf({ ...azureSettings, BOT_PASSWORD: unresolved('bot-password'), AZURE_CLIENT_SECRET: 'a-real-secret' });
    expect(problems).toEqual(expect.arrayContaining([{ key: 'BOT_PASSWORD', message: expect.stringMatching(/Key Vault reference/i) }]));
  });

  it('when AZURE_CLIENT_SECRET arrives as the reference text, then the bot refuses to start, naming AZURE_CLIENT_SECRET', () => {
    const problems = problemsOf({ ...azureSettings, BOT_PASSWORD: 'a-real-password', AZURE_CLIENT_SECRET: unresolved('partner-app-secret') });
    expect(problems).toEqual(expect.arrayContaining([{ key: 'AZURE_CLIENT_SECRET', message: expect.stringMatching(/Key Vault reference/i) }]));
  });

  it('when both secrets are resolved, then the same settings start the bot (the check refuses only the reference text)', () => {
    expect(problemsOf({ ...azureSettings, BOT_PASSWORD: 'a-real-password', AZURE_CLIENT_SECRET: 'a-real-secret' })).toEqual([]);
  });
});
