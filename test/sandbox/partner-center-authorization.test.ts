// Partner Center authorises each call from its token: the partner's tenant, App+User-only routes, MFA, Admin Agents,
// and application consents through GDAP roles in the customer.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { readFixture } from '../gateways/microsoft-fixtures';
import { PARTNER_CENTER, rawCall, SERVICE_ACCOUNT, type RawOptions } from './raw-client';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const TAILSPIN = 'c0000005-0000-4000-8000-000000000005';
const SAM_APP = '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6e8b10';
const SAM_SELLER = '5a0e0001-0000-4000-8000-000000000001';
const PAT = '5a0e0001-0000-4000-8000-000000000004';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.stop());

const pc = (method: string, pathAndQuery: string, options: RawOptions = {}) => rawCall(sandbox, method, pathAndQuery, { scope: PARTNER_CENTER, ...options });
const codeOf = (body: unknown): unknown => (body as { code?: unknown } | undefined)?.code;
/** Microsoft's published example body (Azure AD Graph and Microsoft Graph, Directory.ReadWrite.All) for our app. */
const consentBody = (applicationId = SAM_APP) => {
  const { _source, ...example } = readFixture('partner-center/create-application-consent.request.json') as Record<string, unknown>;
  return { ...example, applicationId };
};

describe('Partner Center: who may call', () => {
  test('when the token was issued by a customer tenant, then 401: only the partner tenant calls Partner Center', async () => {
    const answer = await pc('GET', '/v1/customers?size=10', { tenantId: CONTOSO });
    expect([answer.status, codeOf(answer.body)]).toEqual([401, 400]);
  });

  test('when the app calls alone, then it reads customers but not the App+User-only relationship request link', async () => {
    const customers = await pc('GET', '/v1/customers?size=10', { as: 'app' });
    const link = await pc('GET', '/v1/customers/relationshiprequests', { as: 'app' });

    expect(customers.status).toBe(200);
    expect(link.status).toBe(403);
    expect(link.body).toMatchObject({ description: "This resource can't be accessed by application credentials.", source: 'PartnerFD' });
  });

  test('when the service account signed in with MFA, then it gets the relationship request link', async () => {
    const answer = await pc('GET', '/v1/customers/relationshiprequests');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ url: `${sandbox.url}/_sandbox/relationship/7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41` });
  });

  test('when a user signed in without MFA, then 401 with error code 900421, even for an Admin Agent', async () => {
    const withoutMfa = await pc('GET', '/v1/customers?size=10', { as: { userId: SERVICE_ACCOUNT, mfa: false } });
    const pat = await pc('GET', '/v1/customers?size=10', { as: { userId: PAT } });

    expect([withoutMfa.status, codeOf(withoutMfa.body)]).toEqual([401, 900421]);
    expect([pat.status, codeOf(pat.body)]).toEqual([401, 900421]);
  });

  test('when the user is not in Admin Agents (a sales agent), then 403', async () => {
    const answer = await pc('GET', '/v1/customers?size=10', { as: { userId: SAM_SELLER } });
    expect(answer.status).toBe(403);
  });

  test("when a customer is read by id, then allowDelegatedAccess still shows legacy DAP only (Contoso's GDAP is not DAP)", async () => {
    const contoso = await pc('GET', `/v1/customers/${CONTOSO}`);
    const pharma = await pc('GET', '/v1/customers/c0000002-0000-4000-8000-000000000002');
    expect([(contoso.body as { allowDelegatedAccess: boolean }).allowDelegatedAccess, (pharma.body as { allowDelegatedAccess: boolean }).allowDelegatedAccess]).toEqual([false, true]);
  });
});

describe('Partner Center: POST/DELETE /v1/customers/{id}/applicationconsents', () => {
  const spIn = (tenant: string) => sandbox.state.servicePrincipal(SAM_APP, tenant);

  test('when the partner re-consents its app in Contoso through its Cloud Application Administrator role, then the app gets a service principal with the scopes asked', async () => {
    // Arrange: remove the existing consent first.
    const removed = await pc('DELETE', `/v1/customers/${CONTOSO}/applicationconsents/${SAM_APP}`);
    expect(removed.status).toBe(204);
    expect(spIn(CONTOSO)).toBeUndefined();

    // Act
    const created = await pc('POST', `/v1/customers/${CONTOSO}/applicationconsents`, { body: consentBody() });
    const again = await pc('POST', `/v1/customers/${CONTOSO}/applicationconsents`, { body: consentBody() });

    // Assert
    expect(created.status).toBe(201);
    expect(spIn(CONTOSO)).toMatchObject({ delegatedScopes: ['Directory.ReadWrite.All'], appRoles: [] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ description: 'Permission entry already exists.' });
  });

  test('when the partner has no GDAP role that may consent (Northwind: none; Tailspin: Exchange Administrator only), then 403 and no service principal', async () => {
    const northwind = await pc('POST', `/v1/customers/${NORTHWIND}/applicationconsents`, { body: consentBody() });
    const tailspin = await pc('DELETE', `/v1/customers/${TAILSPIN}/applicationconsents/${SAM_APP}`);

    expect([northwind.status, tailspin.status]).toEqual([403, 403]);
    expect(spIn(NORTHWIND)).toBeUndefined();
    expect(spIn(TAILSPIN)).toBeDefined();
  });

  test('when the app asks for another application, or calls without a user, then 403', async () => {
    const otherApp = await pc('POST', `/v1/customers/${NORTHWIND}/applicationconsents`, { body: consentBody('0f0f0f0f-0000-4000-8000-000000000000') });
    const appOnly = await pc('POST', `/v1/customers/${NORTHWIND}/applicationconsents`, { as: 'app', body: consentBody() });

    expect([otherApp.status, appOnly.status]).toEqual([403, 403]);
  });

  test('when a resource application has no service principal in the customer, then 400 naming it', async () => {
    const body = { applicationId: SAM_APP, applicationGrants: [{ enterpriseApplicationId: '0f0f0f0f-0000-4000-8000-00000000abcd', scope: 'Read' }] };
    const answer = await pc('POST', `/v1/customers/${CONTOSO}/applicationconsents`, { body });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ description: expect.stringContaining('lacks a service principal for application 0f0f0f0f-0000-4000-8000-00000000abcd') });
  });
});
