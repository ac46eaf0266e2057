// Graph authorises each call from its token: customer users only through a GDAP (or DAP) directory-reading role and the
// scope, or the app's consented role; GDAP relationships and access assignments only in the partner tenant with
// DelegatedAdminRelationship permissions — and the whole GDAP lifecycle that gives a new customer's users to the bot.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { missingKeys, readFixture } from '../gateways/microsoft-fixtures';
import { GRAPH, PARTNER_CENTER, rawCall, SERVICE_ACCOUNT, type RawOptions } from './raw-client';
import { fakeDate } from '../support/fake-time';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const PHARMA = 'c0000002-0000-4000-8000-000000000002';
const FABRIKAM = 'c0000003-0000-4000-8000-000000000003';
const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const TAILSPIN = 'c0000005-0000-4000-8000-000000000005';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const SAM_SELLER = '5a0e0001-0000-4000-8000-000000000001';
const ROLE = { directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', cloudAppAdmin: '158c047a-c907-4556-b7ef-446551a6b5f7', userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1' };
const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';
const DENIED = { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } };

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.stop());

const graph = (method: string, path: string, options: RawOptions = {}) => rawCall(sandbox, method, path, { scope: GRAPH, ...options });
const users = (tenantId: string, options: RawOptions = {}) => graph('GET', '/v1.0/users?$select=id', { tenantId, ...options });
const valueOf = (body: unknown): Record<string, unknown>[] => (body as { value: Record<string, unknown>[] }).value;

describe("Graph: a customer's users", () => {
  test('when the service account reads Contoso (GDAP Directory Readers, scope User.Read.All), then it gets the users', async () => {
    const answer = await users(CONTOSO);
    expect(answer.status).toBe(200);
    expect(valueOf(answer.body).length).toBeGreaterThan(0);
  });

  test('when the only GDAP role does not read the directory (Tailspin: Exchange Administrator), then 403 Authorization_RequestDenied', async () => {
    const answer = await users(TAILSPIN);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject(DENIED);
  });

  test('when the customer has legacy DAP (Contoso Pharma), then Admin Agents read as Global Administrator', async () => {
    expect((await users(PHARMA)).status).toBe(200);
  });

  test('when the token lacks User.Read.All, then 403 even with the GDAP role', async () => {
    const answer = await users(CONTOSO, { as: { userId: SERVICE_ACCOUNT, scopes: ['User.Read'] } });
    expect(answer.body).toMatchObject(DENIED);
  });

  test("when the app calls alone, then its consented application role decides: Contoso's User.Read.All yes, Fabrikam (delegated grants only) no", async () => {
    const contoso = await users(CONTOSO, { as: 'app' });
    const fabrikam = await users(FABRIKAM, { as: 'app' });
    expect([contoso.status, fabrikam.status]).toEqual([200, 403]);
  });
});

describe('Graph: GDAP relationships in the partner tenant', () => {
  test("when listed with $filter on Contoso's tenant and status active, then its relationship comes back with an @odata.etag", async () => {
    const filter = encodeURIComponent(`customer/tenantId eq '${CONTOSO}' and status eq 'active'`);
    const answer = await graph('GET', `${RELATIONSHIPS}?$filter=${filter}`);

    expect(answer.status).toBe(200);
    const { _source, ...example } = readFixture('graph-gdap/list_delegatedadminrelationship.response-200.json') as { _source: string; value: Record<string, unknown>[] };
    expect(missingKeys({ ...example, value: example.value.slice(0, 1) }, answer.body)).toEqual([]);
    expect(valueOf(answer.body).map((r) => [r.customer, r.status])).toEqual([[{ tenantId: CONTOSO, displayName: 'Contoso' }, 'active']]);
  });

  test('when $top is smaller than the list, then @odata.nextLink with $skipToken leads to the rest', async () => {
    const first = await graph('GET', `${RELATIONSHIPS}?$top=3`);
    const next = new URL(String((first.body as Record<string, unknown>)['@odata.nextLink']));
    const second = await graph('GET', `${next.pathname}${next.search}`);

    expect(next.searchParams.get('$skipToken')).toBe('3');
    expect(valueOf(first.body).length + valueOf(second.body).length).toBe(sandbox.state.gdapRelationships.length);
  });

  test('when the caller is not allowed, then 403: a customer-tenant token, a token without DelegatedAdminRelationship, a user outside Admin Agents', async () => {
    const customerToken = await graph('GET', RELATIONSHIPS, { tenantId: CONTOSO });
    const noScope = await graph('GET', RELATIONSHIPS, { as: { userId: SERVICE_ACCOUNT, scopes: ['User.Read.All'] } });
    const salesAgent = await graph('GET', RELATIONSHIPS, { as: { userId: SAM_SELLER } });
    const readOnlyWrites = await graph('POST', RELATIONSHIPS, { as: { userId: SERVICE_ACCOUNT, scopes: ['DelegatedAdminRelationship.Read.All'] }, body: {} });

    for (const answer of [customerToken, noScope, salesAgent, readOnlyWrites]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject(DENIED);
    }
  });
});

describe('Graph: a new customer through GDAP, end to end (Northwind)', () => {
  test('when the partner creates, locks and gets approval of a relationship, then assigns it to Azure Managers, then its users and consent follow', async () => {
    // Arrange: a relationship with Directory Readers and Cloud Application Administrator, locked, then approved by the customer.
    const created = await graph('POST', RELATIONSHIPS, { body: {
      displayName: 'Litware GDAP Northwind', duration: 'P730D', customer: { tenantId: NORTHWIND },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: ROLE.directoryReaders }, { roleDefinitionId: ROLE.cloudAppAdmin }] },
    } });
    const id = String((created.body as { id: string }).id);
    const early = await graph('POST', `${RELATIONSHIPS}/${id}/accessAssignments`, { body: assignmentBody([ROLE.directoryReaders]) });
    await graph('POST', `${RELATIONSHIPS}/${id}/requests`, { body: { action: 'lockForApproval' } });
    expect(acceptRelationship(sandbox.state, { relationship: id })).toBe(true);
    // An active relationship without an access assignment gives the partner's users no role: Entra refuses them there.
    const beforeAssignment = await users(NORTHWIND).then(() => 'token issued', (error: unknown) => String(error));

    // Act
    const tooMuch = await graph('POST', `${RELATIONSHIPS}/${id}/accessAssignments`, { body: assignmentBody([ROLE.directoryReaders, ROLE.userAdmin]) });
    const assigned = await graph('POST', `${RELATIONSHIPS}/${id}/accessAssignments`, { body: assignmentBody([ROLE.directoryReaders, ROLE.cloudAppAdmin]) });
    const assignmentId = String((assigned.body as { id: string }).id);
    const read = await graph('GET', `${RELATIONSHIPS}/${id}/accessAssignments/${assignmentId}`);
    const consent = await rawCall(sandbox, 'POST', `/v1/customers/${NORTHWIND}/applicationconsents`, { scope: PARTNER_CENTER, body: {
      applicationId: '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6e8b10', applicationGrants: [{ enterpriseApplicationId: '00000003-0000-0000-c000-000000000000', scope: 'User.Read.All' }],
    } });
    const afterConsent = await users(NORTHWIND);

    // Assert
    expect(created.status).toBe(201);
    expect([early.status, tooMuch.status]).toEqual([400, 400]);
    expect(beforeAssignment).toMatch(/AADSTS50020/);
    expect(assigned.status).toBe(201);
    expect(assigned.headers.location).toBe(`${sandbox.url}${RELATIONSHIPS}/${id}/accessAssignments/${assignmentId}`);
    const { _source, ...example } = readFixture('graph-gdap/create_delegatedadminaccessassignment.response-201.json') as Record<string, unknown>;
    expect(missingKeys(example, assigned.body)).toEqual([]);
    expect(assigned.body).toMatchObject({ status: 'pending', accessContainer: { accessContainerId: AZURE_MANAGERS, accessContainerType: 'securityGroup' } });
    expect(read.body).toMatchObject({ id: assignmentId, status: 'active' });
    expect(consent.status).toBe(201);
    expect(afterConsent.status).toBe(200);
  });

  test('when activation takes a while, then the assignment stays pending, gives no role, and is active once the time has passed', async () => {
    const relationship = sandbox.state.gdapRelationships.find((r) => r.customerTenantId === TAILSPIN);
    const id = relationship?.id ?? '';
    sandbox.state.accessAssignmentActivationMs = 300;
    fakeDate(); // the sandbox times activation with Date: the test moves it
    try {
      // Tailspin's relationship holds Exchange Administrator only; a second group gets it.
      const body = { accessContainer: { accessContainerId: '5a0e0002-0000-4000-8000-000000000003', accessContainerType: 'securityGroup' }, accessDetails: { unifiedRoles: relationship?.roles.map((roleDefinitionId) => ({ roleDefinitionId })) ?? [] } };
      const created = await graph('POST', `${RELATIONSHIPS}/${id}/accessAssignments`, { body });
      jest.advanceTimersByTime(299);
      const soon = await graph('GET', `${RELATIONSHIPS}/${id}/accessAssignments?$filter=${encodeURIComponent("status eq 'pending'")}`);
      const leeRolesSoon = sandbox.state.partnerRolesIn('5a0e0001-0000-4000-8000-000000000005', TAILSPIN).size;
      jest.advanceTimersByTime(1);
      const later = await graph('GET', `${RELATIONSHIPS}/${id}/accessAssignments`);

      expect(created.status).toBe(201);
      expect(valueOf(soon.body).map((a) => a.id)).toEqual([(created.body as { id: string }).id]);
      expect(leeRolesSoon).toBe(0);
      expect(valueOf(later.body).map((a) => a.status)).toEqual(['active', 'active']);
      expect(sandbox.state.partnerRolesIn('5a0e0001-0000-4000-8000-000000000005', TAILSPIN).size).toBe(1);
    } finally {
      jest.useRealTimers();
      sandbox.state.accessAssignmentActivationMs = 0;
    }
  });
});

function assignmentBody(roles: string[]) {
  return { accessContainer: { accessContainerId: AZURE_MANAGERS, accessContainerType: 'securityGroup' }, accessDetails: { unifiedRoles: roles.map((roleDefinitionId) => ({ roleDefinitionId })) } };
}

describe('Graph: a partner admin deletes an access assignment (as Partner Center does)', () => {
  test("when Azure Managers' assignment for Contoso is deleted with its ETag, then Graph answers 204, it lists as deleted, the service account loses its Contoso roles, and a new one can be created", async () => {
    // Arrange: Contoso's active relationship and Azure Managers' assignment in it, as a list gives it (with its ETag)
    const relationship = sandbox.state.gdapRelationships.find((r) => r.customerTenantId === CONTOSO && r.status === 'active');
    const id = relationship?.id ?? '';
    const listed = valueOf((await graph('GET', `${RELATIONSHIPS}/${id}/accessAssignments`)).body);
    const ours = listed.find((a) => (a.accessContainer as { accessContainerId: string }).accessContainerId === AZURE_MANAGERS);
    const path = `${RELATIONSHIPS}/${id}/accessAssignments/${String(ours?.id)}`;
    const etag = String(ours?.['@odata.etag']);

    // Act
    const withoutEtag = await graph('DELETE', path);
    const staleEtag = await graph('DELETE', path, { headers: { 'if-match': 'W/"c3RhbGU="' } });
    const deleted = await graph('DELETE', path, { headers: { 'if-match': etag } });
    const after = await graph('GET', `${RELATIONSHIPS}/${id}/accessAssignments`);
    const usersAfter = await users(CONTOSO).then((a) => a.status, (error: unknown) => String(error));
    const again = await graph('POST', `${RELATIONSHIPS}/${id}/accessAssignments`, { body: assignmentBody([ROLE.directoryReaders]) });

    // Assert
    expect([withoutEtag.status, staleEtag.status, deleted.status]).toEqual([400, 412, 204]);
    expect(valueOf(after.body).find((a) => a.id === ours?.id)).toMatchObject({ status: 'deleted' });
    expect(usersAfter).toMatch(/AADSTS50020/);
    expect(again.status).toBe(201);
  });
});
