// PartnerCenterRestGateway against the sandbox: customer list paging, name filter encoding, delegated access, Azure plan.
import { startSandbox, loadDefaultSeed, type RunningSandbox } from '../../src/sandbox';
import { PartnerCenterRestGateway } from '../../src/gateways/partner-center-gateway';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { tenantId } from '../../src/domain/ids';
import { PARTNER_CENTER, rawCall } from '../sandbox/raw-client';
import { missingKeys, readFixture } from './microsoft-fixtures';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const NORTHWIND = tenantId('c0000004-0000-4000-8000-000000000004');

let sandbox: RunningSandbox;
let gateway: PartnerCenterRestGateway;

function tokenClaims(authorization: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from((authorization ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  gateway = new PartnerCenterRestGateway({ endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('PartnerCenterRestGateway', () => {
  test('when searching "Contoso", then both Contoso customers come back, the filter encoded as Partner Center documents it', async () => {
    const found = await gateway.searchCustomersByName('Contoso');

    expect(found.map((c) => c.companyName).sort()).toEqual(['Contoso', 'Contoso Pharma']);
    expect(found.every((c) => c.allowDelegatedAccess === undefined)).toBe(true);
    const request = sandbox.requests.at(-1);
    expect(request?.url).toBe('/v1/customers?size=0&filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22Contoso%22%2C%22Operator%22%3A%22starts_with%22%7D');
    expect(request?.headers.authorization).toBe('Bearer');
  });

  test('when reading one customer, then the legacy DAP flag (allowDelegatedAccess) comes from GET /v1/customers/{id}: false for GDAP-only Contoso, true for Contoso Pharma', async () => {
    const contoso = await gateway.getCustomer(CONTOSO);
    const pharma = await gateway.getCustomer(tenantId('c0000002-0000-4000-8000-000000000002'));
    const northwind = await gateway.getCustomer(NORTHWIND);
    const unknown = await gateway.getCustomer(tenantId('99999999-0000-4000-8000-000000000009'));

    expect(contoso).toEqual({ id: CONTOSO, tenantId: CONTOSO, companyName: 'Contoso', domain: 'contoso.onmicrosoft.com', relationshipToPartner: 'reseller', allowDelegatedAccess: false });
    expect(pharma?.allowDelegatedAccess).toBe(true);
    expect(northwind?.allowDelegatedAccess).toBe(false);
    expect(unknown).toBeUndefined();
  });

  test('when listing Azure subscriptions, then only the Azure plan entitlements are read and mapped to Azure subscription ids', async () => {
    const subscriptions = await gateway.listAzureSubscriptions(CONTOSO);

    expect(subscriptions).toEqual([
      { subscriptionId: 'c0000001-5b50-4000-8000-000000000001', displayName: 'Contoso Production', status: 'active' },
      { subscriptionId: 'c0000001-5b50-4000-8000-000000000002', displayName: 'Contoso Dev', status: 'active' },
    ]);
    const entitlementCalls = sandbox.requests.filter((r) => r.path.endsWith('/azureEntitlements'));
    expect(entitlementCalls.map((r) => r.path)).toEqual([`/v1/customers/${CONTOSO}/subscriptions/c0000001-a2a2-4000-8000-00000000a2a2/azureEntitlements`]);
  });

  test('when asking for the relationship request, then the URL is exactly what Partner Center returned', async () => {
    // The sandbox's Partner Center returns a link to its own stand-in for the customer's admin center.
    await expect(gateway.getRelationshipRequestUrl()).resolves.toBe(`${sandbox.url}/_sandbox/relationship/7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41`);
  });

  test('when the gateway calls Partner Center, then its token is for the Partner Center audience in the partner tenant', async () => {
    let captured: string | undefined;
    const spying = new PartnerCenterRestGateway({
      endpoint: sandbox.url, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem,
      credential: { getToken: async (scopes, options) => {
        const token = await sandboxUserCredential(sandbox).getToken(scopes, options);
        captured = token?.token;
        return token;
      } },
    });
    await spying.listCustomers();
    expect(tokenClaims(captured)).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', tid: PARTNER });
  });

  test('when the partner has more customers than a page, then listCustomers follows links.next with MS-ContinuationToken', async () => {
    const seed = loadDefaultSeed();
    const template = seed.customers[0];
    if (!template) throw new Error('the default seed has customers');
    for (let i = 0; i < 101; i += 1) {
      const id = `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      seed.customers.push({ ...template, id, companyName: `Customer ${i}`, domain: `c${i}.onmicrosoft.com`, azureSubscriptions: [], otherSubscriptions: [] });
    }
    const big = await startSandbox({ port: 0, seed });
    try {
      const paging = new PartnerCenterRestGateway({ endpoint: `${big.url}/`, credential: sandboxUserCredential(big), partnerTenantId: PARTNER, tlsCa: big.caCertPem });
      const all = await paging.listCustomers();

      const expected = loadDefaultSeed().customers.length + 101;
      expect(all).toHaveLength(expected);
      expect(new Set(all.map((c) => c.id)).size).toBe(expected);
      expect(big.requests.map((r) => r.url)).toEqual(['/v1/customers?size=100', '/v1/customers?size=100&seekOperation=Next']);
      expect(big.requests[1]?.headers['ms-continuationtoken']).toEqual(expect.any(String));
    } finally {
      await big.stop();
    }
  });

  test('when Partner Center never answers, then each attempt ends at its deadline, the pipeline retries it, and the gateway says it timed out', async () => {
    const hasty = new PartnerCenterRestGateway({
      endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem,
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 }, requestTimeoutInMs: 300,
    });
    sandbox.faults.add({ operation: 'partnerCenter.customers', kind: 'hang', times: 10 });
    const before = sandbox.requests.length;

    await expect(hasty.searchCustomersByName('Contoso')).rejects.toMatchObject({
      name: 'CloudUnavailableError', service: 'PartnerCenter', message: expect.stringMatching(/^GET \/v1\/customers\?.* failed: REQUEST_TIMED_OUT: .* timed out: no answer within 300 ms$/),
    });
    expect(sandbox.requests.slice(before).map((r) => r.path)).toEqual(['/v1/customers', '/v1/customers', '/v1/customers']);
    sandbox.faults.clear();
  });

  test('when the sandbox answers Partner Center calls, then its bodies have the keys of the documented examples', async () => {
    const opts = { scope: PARTNER_CENTER };
    const list = await rawCall(sandbox, 'GET', '/v1/customers?size=40', opts);
    const byName = await rawCall(sandbox, 'GET', `/v1/customers?size=0&filter=${encodeURIComponent('{"Field":"CompanyName","Value":"Cont","Operator":"starts_with"}')}`, opts);
    const byId = await rawCall(sandbox, 'GET', `/v1/customers/${CONTOSO}`, opts);
    const subscriptions = await rawCall(sandbox, 'GET', `/v1/customers/${CONTOSO}/subscriptions`, opts);
    const entitlements = await rawCall(sandbox, 'GET', `/v1/customers/${CONTOSO}/subscriptions/c0000001-a2a2-4000-8000-00000000a2a2/azureEntitlements`, opts);
    const relationship = await rawCall(sandbox, 'GET', '/v1/customers/relationshiprequests', opts);
    const missing = await rawCall(sandbox, 'GET', '/v1/customers/99999999-0000-4000-8000-000000000009', opts);

    expect(missingKeys(readFixture('partner-center/get-a-list-of-customers.response-200.json'), list.body)).toEqual([]);
    expect(missingKeys(readFixture('partner-center/get-a-customer-by-name.response-200.json'), byName.body)).toEqual([]);
    expect(missingKeys(readFixture('partner-center/get-a-customer-by-id.response-200.json'), byId.body)).toEqual([]);
    expect(missingKeys(readFixture('partner-center/get-all-of-a-customer-s-subscriptions.response-200.example2.json'), subscriptions.body)).toEqual([]);
    expect(missingKeys(readFixture('partner-center/get-a-list-of-azure-entitlements-for-subscription.response-200.json'), entitlements.body)).toEqual([]);
    expect(missingKeys(readFixture('partner-center/request-reseller-relationship.response-200.json'), relationship.body)).toEqual([]);
    expect(list.body).not.toHaveProperty('items.0.allowDelegatedAccess');
    expect([missing.status, missing.body]).toEqual([404, expect.objectContaining({ code: expect.anything(), description: expect.any(String) })]);
  });
});
