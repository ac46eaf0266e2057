import { loadConfig, parseDuration } from '../src/config';
import { configProblems } from './support/config-problems';

const problemsOf = (env: Record<string, string>): string[] => configProblems(env).map((p) => p.key);

describe('loadConfig', () => {
  it('when nothing is set, then the bot runs on the built-in sandbox on port 3978', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, cloud: 'sandbox', storePath: './data/csp-access-bot.db', approvalTtlInMs: 24 * 3600_000 });
    expect(config.endpoints).toBeUndefined();
  });

  it('when CLOUD=azure has no BOT_ID, then it refuses, naming BOT_ID and every other missing key', () => {
    expect(problemsOf({ CLOUD: 'azure' })).toEqual(expect.arrayContaining(['BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'PARTNER_TENANT_ID', 'APPROVERS', 'AZURE_CLIENT_ID']));
  });

  it('when values are malformed, then each bad key is named', () => {
    expect(problemsOf({ PORT: 'eighty', CLOUD: 'moon', APPROVERS: 'bob', ARM_ENDPOINT: 'http://127.0.0.1:1', APPROVAL_TTL: 'soon' }).sort()).toEqual(['APPROVAL_TTL', 'APPROVERS', 'ARM_ENDPOINT', 'CLOUD', 'PORT'].sort());
  });

  it('when one endpoint is given, then the bot uses it and the public cloud for the others, starting no sandbox', () => {
    expect(loadConfig({ ARM_ENDPOINT: 'https://127.0.0.1:8443/' }).endpoints).toEqual({
      arm: 'https://127.0.0.1:8443',
      graph: 'https://graph.microsoft.com',
      partnerCenter: 'https://api.partnercenter.microsoft.com',
    });
  });

  it('when the App Service settings of infra/azure.bicep are given with an app secret, then the store is the table endpoint and the identity that reaches it is still the App Service\'s', () => {
    const config = loadConfig({
      CLOUD: 'azure', BOT_ID: 'b0700000-0000-4000-8000-000000000001', BOT_PASSWORD: 'x', BOT_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34',
      PARTNER_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34', APPROVERS: '5a0e0001-0000-4000-8000-000000000002',
      AZURE_CLIENT_ID: 'a0000000-0000-4000-8000-000000000001', AZURE_CLIENT_SECRET: 's', ACCESS_MODEL: 'app',
      AZURE_MANAGED_IDENTITY_CLIENT_ID: '1d000000-0000-4000-8000-000000000001',
      STORE: 'azure-table:https://cspaccessabc.table.core.windows.net/',
    });
    expect(config.store).toEqual({ kind: 'azure-table', endpoint: 'https://cspaccessabc.table.core.windows.net' });
    expect(config.azureCredential?.secret.kind).toBe('secret');
    expect(config.managedIdentityClientId).toBe('1d000000-0000-4000-8000-000000000001');
  });

  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['2d', 172_800_000],
    ['PT24H', 86_400_000],
    ['P1DT1H', 90_000_000],
    ['soon', undefined],
    ['P', undefined],
  ])('when a duration reads %j, then it is %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
