// Refusals are not outages: the real gateways, with the bot's delegated credential, against the sandbox. ARM's and the
// services' 401/403 and Entra's refusals come out as AccessDeniedError; ARM's own answers to a write stay as they were.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { principalId, subscriptionId, tenantId } from '../../src/domain/ids';
import { createGateways, type Gateways } from '../../src/gateways';
import { DelegatedCredential } from '../../src/gateways/credentials-delegated';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { isAccessDenied, type AccessDeniedError } from '../../src/services/access-errors';
import { CloudUnavailableError } from '../../src/services/ports';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import type { RefreshTokenStore } from '../../src/store/refresh-token-store';
import { rawCall } from '../sandbox/raw-client';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const WINGTIP = tenantId('c0000006-0000-4000-8000-000000000006');
const WINGTIP_SUBSCRIPTION = '/subscriptions/c0000006-5b50-4000-8000-000000000001';
const FABRIKAM_SUBSCRIPTION = '/subscriptions/c0000003-5b50-4000-8000-000000000001';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

let dir: string;
const stores: RefreshTokenStore[] = [];
const sandboxes: RunningSandbox[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'csp-refusals-'));
});
afterAll(async () => {
  for (const store of stores) await store.close();
  for (const sandbox of sandboxes) await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sandboxUp(): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ port: 0 });
  sandboxes.push(sandbox);
  return sandbox;
}

/** The bot's delegated credential with `authority`'s Entra, and its gateways pointed at `services` (the same sandbox, or not). */
function botAgainst(authority: RunningSandbox, services: RunningSandbox = authority): { credential: DelegatedCredential; gateways: Gateways } {
  const store = openSqliteRefreshTokens(join(dir, `${stores.length}.db`));
  stores.push(store);
  const credential = new DelegatedCredential({
    tenantId: PARTNER, clientId: authority.partnerApp.clientId, secret: { kind: 'secret', clientSecret: authority.partnerApp.clientSecret },
    authorityHost: authority.authorityHost, tlsCa: authority.caCertPem, store, configuredRefreshToken: authority.issueRefreshToken(),
  });
  const gateways = createGateways({
    armEndpoint: services.url, graphEndpoint: services.url, partnerCenterEndpoint: services.url, credential, partnerTenantId: PARTNER,
    tlsCa: services.caCertPem, retryOptions: { maxRetries: 0 },
  });
  return { credential, gateways };
}

const refusalOf = (promise: Promise<unknown>): Promise<AccessDeniedError> =>
  promise.then(
    () => { throw new Error('expected a refusal'); },
    (error: unknown) => { if (isAccessDenied(error)) return error; throw error; },
  );

describe('ARM refusing the bot', () => {
  let gateways: Gateways;
  beforeAll(async () => {
    ({ gateways } = botAgainst(await sandboxUp()));
  });

  it('when the customer removed our Azure rights (Wingtip), then reading role assignments is refused (403 AuthorizationFailed), not an outage', async () => {
    const refusal = await refusalOf(gateways.rbac.listRoleAssignments(WINGTIP, WINGTIP_SUBSCRIPTION));
    expect([refusal.service, refusal.reason, refusal.statusCode, refusal.code, refusal.tenantId]).toEqual(['ARM', 'forbidden', 403, 'AuthorizationFailed', WINGTIP]);
  });

  it('when the bot tries to assign there anyway, then ARM\'s 403 is still the assignment\'s outcome (AuthorizationFailed), as before', async () => {
    const result = await gateways.rbac.createRoleAssignment(WINGTIP, {
      scope: WINGTIP_SUBSCRIPTION, name: '0b0b0b0b-0000-4000-8000-000000000001', roleDefinitionId: `${WINGTIP_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: principalId('c0000006-0000-4000-8000-0000000000a1'), principalType: 'User',
    });
    expect(result).toMatchObject({ ok: false, code: 'AuthorizationFailed', statusCode: 403 });
  });

  it('when the token is from another tenant than the subscription\'s, then ARM\'s 401 is a refusal naming InvalidAuthenticationTokenTenant', async () => {
    const refusal = await refusalOf(gateways.rbac.listRoleDefinitions(CONTOSO, subscriptionId(FABRIKAM_SUBSCRIPTION.split('/')[2] ?? '')));
    expect([refusal.service, refusal.reason, refusal.statusCode, refusal.code]).toEqual(['ARM', 'forbidden', 401, 'InvalidAuthenticationTokenTenant']);
  });
});

describe('services refusing tokens from an authority they do not trust', () => {
  it('when the bot\'s authority is another Entra than the services\' (a wrong AZURE_AUTHORITY_HOST), then Partner Center, Graph and ARM each refuse with 401', async () => {
    const services = await sandboxUp();
    const { gateways } = botAgainst(await sandboxUp(), services);
    const refusals = await Promise.all([
      refusalOf(gateways.partnerCenter.listCustomers()),
      refusalOf(gateways.directory.findUsers(CONTOSO, 'Alice')),
      refusalOf(gateways.rbac.listRoleAssignments(CONTOSO, '/subscriptions/c0000001-5b50-4000-8000-000000000001')),
    ]);
    expect(refusals.map((e) => [e.service, e.reason, e.statusCode])).toEqual([['PartnerCenter', 'forbidden', 401], ['Graph', 'forbidden', 401], ['ARM', 'forbidden', 401]]);
    expect(refusals[1]?.code).toBe('InvalidAuthenticationToken');
  });
});

describe('Entra refusing the bot\'s refresh token', () => {
  it('when the service account\'s sessions were revoked, then every gateway call is refused as sign-in required, never an outage', async () => {
    const sandbox = await sandboxUp();
    const { gateways } = botAgainst(sandbox);
    expect((await rawCall(sandbox, 'POST', `/_sandbox/entra/users/${SERVICE_ACCOUNT}/revokeSignInSessions`, { token: null })).status).toBe(200);

    const failures = await Promise.all([
      gateways.partnerCenter.listCustomers().catch((e: unknown) => e),
      gateways.directory.findUsers(CONTOSO, 'Alice').catch((e: unknown) => e),
      gateways.rbac.listRoleDefinitions(CONTOSO, subscriptionId('c0000001-5b50-4000-8000-000000000001')).catch((e: unknown) => e),
      gateways.rbac.createRoleAssignment(CONTOSO, {
        scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001', name: '0b0b0b0b-0000-4000-8000-000000000002',
        roleDefinitionId: `/subscriptions/c0000001-5b50-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId: principalId('c0000001-0000-4000-8000-0000000000a1'), principalType: 'User',
      }).catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).not.toBeInstanceOf(CloudUnavailableError);
      expect(isAccessDenied(failure) ? [failure.service, failure.reason, failure.aadsts] : failure).toEqual(['Entra', 'sign_in_required', 50173]);
    }
  });
});
