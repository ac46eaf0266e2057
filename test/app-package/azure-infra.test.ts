// What infra/*.bicep gives Azure, read as text (no Bicep compiler here): no secret in a plain app setting, the bot's
// identity may write the refresh token, and the per-customer role can hand out only the listed roles, to users.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';

const read = (file: string) => readFileSync(join(__dirname, '..', '..', file), 'utf8');

describe('infra/azure.bicep', () => {
  const bicep = read('infra/azure.bicep');
  const setting = (name: string) => new RegExp(`\\{ name: '${name}', value: ([^}]+) \\}`).exec(bicep)?.[1]?.trim();

  test('when the App Service gets its settings, then every secret is a Key Vault reference and none is a parameter', () => {
    expect(bicep).toMatch(/var botPasswordReference = '@Microsoft\.KeyVault\(SecretUri=\$\{vault\.properties\.vaultUri\}secrets\/bot-password\/\)'/);
    expect(setting('BOT_PASSWORD')).toBe('botPasswordReference');
    expect(setting('AZURE_CLIENT_SECRET')).toBe('appSecretReference');
    expect(setting('PARTNER_REFRESH_TOKEN')).toBeUndefined();
    // Each @secure() parameter is written to a vault secret and nowhere else.
    const secureParams = [...bicep.matchAll(/@secure\(\)\s*\nparam (\w+)/g)].map((m) => m[1] ?? '');
    expect(secureParams.sort()).toEqual(['azureClientSecret', 'botAadAppClientSecret']);
    for (const name of secureParams) {
      const uses = [...bicep.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].length;
      expect({ name, uses }).toEqual({ name, uses: 2 }); // its declaration and `value:` of a vault secret
      expect(bicep).toMatch(new RegExp(`value: ${name}\\n`));
    }
  });

  test('when the bot rotates the refresh token, then its identity may write the vault (Key Vault Secrets Officer) and the app resolves references with it', () => {
    expect(bicep).toContain("var keyVaultSecretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'");
    expect(bicep).toMatch(/resource identityOnVault[\s\S]*?scope: vault[\s\S]*?principalId: identity\.properties\.principalId/);
    expect(bicep).toContain('keyVaultReferenceIdentity: identity.id');
    expect(setting('KEY_VAULT_URL')).toBe('vault.properties.vaultUri');
    expect(setting('AZURE_MANAGED_IDENTITY_CLIENT_ID')).toBe('identity.properties.clientId');
  });

  test('when the bot stores its data, then it is the storage account\'s table, reached with the identity (Storage Table Data Contributor on that account) and no key', () => {
    expect(bicep).toContain("{ name: 'STORE', value: 'azure-table:${storage.properties.primaryEndpoints.table}' }");
    expect(bicep).toContain('allowSharedKeyAccess: false');
    expect(bicep).not.toMatch(/listKeys|AccountKey=|SharedAccessSignature/);
    expect(bicep).toContain("var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'");
    expect(bicep).toMatch(/resource identityOnTables[\s\S]*?scope: storage\n[\s\S]*?storageTableDataContributorRoleId\)[\s\S]*?principalId: identity\.properties\.principalId/);
    // The table the store opens by default exists, and the role is in place, before the app's first start.
    expect(bicep).toContain("var storeTableName = 'cspaccessbot'");
    expect(bicep).toMatch(/resource webApp[\s\S]*?dependsOn: \[[^\]]*identityOnTables[^\]]*storeTable[^\]]*\]/);
  });
});

describe('infra/azure.bicep: the App Service the bot runs on', () => {
  const bicep = read('infra/azure.bicep');
  const appSettings = [...bicep.matchAll(/\{ name: '([A-Z0-9_]+)', value: /g)].map((m) => m[1] ?? '');
  // The keys src/config.ts reads: each `  KEY:` line of its zod schema.
  const configKeys = [...read('src/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1] ?? '');
  // Read by the bot but not given by the template, each for its reason.
  const notFromTemplate: Record<string, string> = {
    PORT: 'set by App Service',
    WEBSITE_INSTANCE_ID: 'set by App Service',
    HOST: 'the default (every interface) is what App Service needs',
    ARM_ENDPOINT: 'public cloud by default; sovereign clouds only',
    GRAPH_ENDPOINT: 'public cloud by default; sovereign clouds only',
    PARTNER_CENTER_ENDPOINT: 'public cloud by default; sovereign clouds only',
    AZURE_AUTHORITY_HOST: 'public cloud by default; sovereign clouds only',
    BOT_OPENID_METADATA_URL: 'tests and private clouds only',
    BOT_TOKEN_ISSUER: 'tests and private clouds only',
    BOT_LOGIN_URL: 'tests and private clouds only',
    PARTNER_REFRESH_TOKEN: 'the refresh token lives in Key Vault (npm run consent), never in a setting',
    AZURE_CLIENT_CERTIFICATE_PATH: 'no certificate file on App Service: managed identity or a Key Vault secret instead',
    AZURE_CLIENT_CERTIFICATE_PASSWORD: 'no certificate file on App Service',
  };

  test('when the template gives App Service settings, then the bot reads each of them (or App Service does)', () => {
    const readBySomeone = new Set([...configKeys, 'SCM_DO_BUILD_DURING_DEPLOYMENT']);
    expect(appSettings.filter((name) => !readBySomeone.has(name))).toEqual([]);
  });

  test('when the bot reads a setting, then the template gives it (a deployment replaces every setting: one set by hand in the portal is lost at the next provision) or says why not', () => {
    expect(configKeys.length).toBeGreaterThan(30);
    const missing = configKeys.filter((key) => !appSettings.includes(key) && !(key in notFromTemplate));
    expect(missing).toEqual([]);
    // Each optional knob comes from env/.env.dev through azure.parameters.json, declared there (empty: the bot's default).
    const devEnv = read('env/.env.dev');
    for (const key of ['APPROVAL_CHANNEL', 'APPROVAL_TTL', 'POLICY_FILE', 'RATE_LIMIT', 'GDAP_ROLES', 'RELATIONSHIP_POLL_INTERVAL']) {
      expect({ key, declared: new RegExp(`^${key}=`, 'm').test(devEnv), passed: read('infra/azure.parameters.json').includes(`\${{${key}}}`) }).toEqual({ key, declared: true, passed: true });
    }
  });

  test('when `atk provision` fills azure.parameters.json from env/.env.dev, then no variable it uses is left empty (the toolkit leaves an empty ${{VAR}} unresolved and stops), and `none` reaches the bot as not set', () => {
    const devEnv = new Map([...read('env/.env.dev').matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]));
    const used = [...read('infra/azure.parameters.json').matchAll(/\$\{\{\s*([A-Z_][A-Z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? '');
    const filledBeforeArmDeploy = new Set(['BOT_ID', 'BOT_TENANT_ID', 'SECRET_BOT_PASSWORD', 'RESOURCE_SUFFIX']); // aadApp/create; the toolkit itself
    const filledByThePartner = new Set(['PARTNER_TENANT_ID', 'APPROVERS', 'AZURE_CLIENT_ID']); // README "Deploy", step 2
    const secretInUserFile = new Set(['SECRET_AZURE_CLIENT_SECRET']); // the real one, or `none` (header of env/.env.dev)
    const empty = used.filter((name) => !devEnv.get(name) && !filledBeforeArmDeploy.has(name) && !filledByThePartner.has(name) && !secretInUserFile.has(name) && name !== 'APP_NAME_SUFFIX');
    expect(empty).toEqual([]);
    expect(read('env/.env.dev')).toMatch(/SECRET_AZURE_CLIENT_SECRET=none/);
    // Every parameter that env/.env.dev sets to `none` is turned back into an empty value before it reaches the bot.
    const parameters = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const noneParams = Object.entries(parameters.parameters).filter(([, p]) => typeof p.value === 'string' && devEnv.get(/\$\{\{(\w+)\}\}/.exec(p.value)?.[1] ?? '') === 'none').map(([name]) => name);
    expect(noneParams.length).toBeGreaterThan(10);
    for (const param of noneParams) expect({ param, mapped: bicep.includes(`toLower(${param}) == unset ? '' : ${param}`) }).toEqual({ param, mapped: true });
    expect(bicep).toContain("var unset = 'none'");
    // What the App Service then hands the bot, every knob left `none` (so empty), is a configuration it starts with.
    const given: Record<string, string> = {
      CLOUD: 'azure', BOT_ID: 'b0700000-0000-4000-8000-000000000001', BOT_PASSWORD: 'resolved-secret', BOT_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34', BOT_TYPE: 'SingleTenant',
      PARTNER_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34', APPROVERS: '5a0e0001-0000-4000-8000-000000000002', ACCESS_MODEL: 'delegated',
      AZURE_CLIENT_ID: 'a0000000-0000-4000-8000-000000000001', AZURE_TENANT_ID: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34',
      AZURE_MANAGED_IDENTITY_CLIENT_ID: 'c0000000-0000-4000-8000-000000000001', AZURE_USE_MANAGED_IDENTITY: 'true', KEY_VAULT_URL: 'https://cspaccess-abc.vault.azure.net/',
      REFRESH_TOKEN_SECRET_NAME: 'partner-refresh-token', RELATIONSHIP_MODE: 'gdap', STORE: 'azure-table:https://cspaccessabc.table.core.windows.net/', LOG_LEVEL: 'info',
    };
    for (const m of bicep.matchAll(/^ {2}([A-Z_]+): toLower\(/gm)) given[m[1] ?? ''] = '';
    expect(appSettings.filter((name) => name !== 'SCM_DO_BUILD_DURING_DEPLOYMENT' && name !== 'AZURE_CLIENT_SECRET' && !(name in given))).toEqual([]);
    expect(() => loadConfig(given)).not.toThrow();
    for (const m of bicep.matchAll(/^ {2}([A-Z_]+): toLower\(/gm)) expect(bicep).toContain(`{ name: '${m[1] ?? ''}', value: knobs.${m[1] ?? ''} }`);
  });

  test('when App Service starts and probes the bot, then it runs the built entry point on Node, over HTTPS only, probing a route the bot serves', () => {
    const pkg = JSON.parse(read('package.json')) as { main: string; scripts: Record<string, string> };
    // Not `npm start`: its prestart compiles with TypeScript at every start (slow, and a devDependency).
    expect(bicep).toContain(`appCommandLine: 'node ${pkg.main}'`);
    expect(pkg.scripts.start).toBe(`node ${pkg.main}`);
    expect(bicep).toMatch(/linuxFxVersion: 'NODE\|/);
    expect(bicep).toContain('httpsOnly: true');
    expect(bicep).toContain("minTlsVersion: '1.2'");
    const healthPath = /healthCheckPath: '([^']+)'/.exec(bicep)?.[1];
    expect(read('src/teams/server.ts')).toContain(`server.get('${healthPath ?? '(none)'}'`);
    // The bot's log lines are kept (a Linux app keeps stdout only with file-system logging on).
    expect(bicep).toMatch(/resource webAppLogs 'Microsoft\.Web\/sites\/config@[\d-]+' = \{\s*parent: webApp\s*name: 'logs'[\s\S]*?fileSystem: \{ enabled: true/);
    // What the bot reads at run time besides dist/ is uploaded (App Service builds from the sources).
    const ignored = read('.webappignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}${pattern.endsWith('/') ? '' : '(/|$)'}`);
    expect(ignored.filter((pattern) => ['policy.default.yaml', 'cards/access-request.json'].some((needed) => glob(pattern).test(needed)))).toEqual([]);
  });
});

describe('infra/customer-subscription-rbac.bicep', () => {
  const bicep = read('infra/customer-subscription-rbac.bicep');
  const defaults = /param allowedRoleDefinitionIds string = '([^']+)'/.exec(bicep)?.[1] ?? '';

  test('when it is deployed as it is, then the role is RBAC Administrator constrained to Contributor and Reader for users', () => {
    expect(bicep).toContain("var rbacAdministratorRoleId = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'");
    expect(defaults.split(',').map((id) => id.trim())).toEqual(['b24988ac-6180-42a0-ab88-20f7382dd24c', 'acdd72a7-3385-48ef-bd42-f606fba81ae7']);
    expect(bicep).toContain("param allowedPrincipalTypes string = '\\'User\\''");
    expect(bicep).toContain("conditionVersion: '2.0'");
    // Both actions are constrained: write on the request, delete on the existing assignment.
    expect(bicep).toContain("(!(ActionMatches{\\'Microsoft.Authorization/roleAssignments/write\\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]");
    expect(bicep).toContain("(!(ActionMatches{\\'Microsoft.Authorization/roleAssignments/delete\\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId]");
  });

  test('when the default roles are read, then none of them may hand out rights (Owner, User Access Administrator, RBAC Administrator)', () => {
    for (const privileged of ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168']) {
      expect(defaults).not.toContain(privileged);
    }
  });
});
