// The sandbox's Graph group membership through raw HTTP: transitiveMembers/microsoft.graph.user and checkMemberGroups.
import { loadDefaultSeed, parseSeed, SandboxState, startSandbox, type RunningSandbox } from '../../src/sandbox';
import { missingKeys, readFixture } from '../gateways/microsoft-fixtures';
import { GRAPH, rawCall } from './raw-client';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const ADMIN_AGENTS = '5a0e0002-0000-4000-8000-000000000001';
const SALES_AGENTS = '5a0e0002-0000-4000-8000-000000000002';
const SALES_LEADS = '5a0e0002-0000-4000-8000-000000000003';
const [SAM, ADA, ALEX, PAT, LEE, SERVICE_ACCOUNT] = [1, 2, 3, 4, 5, 6].map((n) => `5a0e0001-0000-4000-8000-00000000000${n}`);
const USER_CAST = 'transitiveMembers/microsoft.graph.user';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

// In Contoso, the service account reads the directory through GDAP (Directory Readers) with a token that has the scopes.
const READ_GROUPS = { userId: SERVICE_ACCOUNT ?? '', scopes: ['User.Read.All', 'GroupMember.Read.All'] };
const graph = (method: string, path: string, options: { tenantId?: string; body?: unknown } = {}) =>
  rawCall(sandbox, method, path, { scope: GRAPH, tenantId: options.tenantId ?? PARTNER, body: options.body, ...(options.tenantId ? { as: READ_GROUPS } : {}) });
const codeOf = (body: unknown): unknown => (body as { error?: { code?: unknown } } | undefined)?.error?.code;
const idsOf = (body: unknown): string[] => (body as { value: { id: string }[] }).value.map((u) => u.id);

describe('sandbox GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user', () => {
  test('when a group nests another group, then its users and the nested group\'s users come back once each, and no group', async () => {
    // Arrange: Sales Agents = Sam, Pat and the group Sales Leads (Lee).
    // Act
    const answer = await graph('GET', `/v1.0/groups/${SALES_AGENTS}/${USER_CAST}?$select=id,displayName`);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)',
      value: [{ id: SAM, displayName: 'Sam Seller' }, { id: PAT, displayName: 'Pat Presales' }, { id: LEE, displayName: 'Lee Lead' }],
    });
  });

  test('when no $select is given, then each member has the default user properties of GET /users', async () => {
    const answer = await graph('GET', `/v1.0/groups/${ADMIN_AGENTS}/${USER_CAST}`);

    expect(idsOf(answer.body)).toEqual([ADA, ALEX, SERVICE_ACCOUNT]);
    expect(missingKeys(readFixture('graph-users/ex01-get_users_2.response.json'), answer.body)).toEqual([]);
  });

  test('when $top is smaller than the membership, then @odata.nextLink (keeping $select) leads to the rest', async () => {
    const first = await graph('GET', `/v1.0/groups/${SALES_AGENTS}/${USER_CAST}?$select=id&$top=2`);
    const next = (first.body as Record<string, unknown>)['@odata.nextLink'];
    expect(typeof next).toBe('string');
    const nextUrl = new URL(String(next));
    const second = await graph('GET', `${nextUrl.pathname}${nextUrl.search}`);

    expect(nextUrl.origin).toBe(sandbox.url);
    expect(nextUrl.pathname).toBe(`/v1.0/groups/${SALES_AGENTS}/${USER_CAST}`);
    expect(nextUrl.searchParams.get('$select')).toBe('id');
    expect(idsOf(first.body)).toEqual([SAM, PAT]);
    expect(idsOf(second.body)).toEqual([LEE]);
    expect(second.body).not.toHaveProperty(['@odata.nextLink']);
  });

  test('when the group is unknown or belongs to another tenant, then 404 Request_ResourceNotFound; a non-GUID id is 400', async () => {
    const unknown = await graph('GET', `/v1.0/groups/0f0f0f0f-0000-4000-8000-000000000000/${USER_CAST}`);
    const otherTenant = await graph('GET', `/v1.0/groups/${SALES_AGENTS}/${USER_CAST}`, { tenantId: CONTOSO });
    const notGuid = await graph('GET', `/v1.0/groups/sales-agents/${USER_CAST}`);

    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'Request_ResourceNotFound']);
    expect([otherTenant.status, codeOf(otherTenant.body)]).toEqual([404, 'Request_ResourceNotFound']);
    expect([notGuid.status, codeOf(notGuid.body)]).toEqual([400, 'Request_BadRequest']);
  });

  test('when $select names no user property or $top is out of range, then 400 Request_BadRequest', async () => {
    const badSelect = await graph('GET', `/v1.0/groups/${SALES_AGENTS}/${USER_CAST}?$select=id,shoeSize`);
    const badTop = await graph('GET', `/v1.0/groups/${SALES_AGENTS}/${USER_CAST}?$top=1000`);

    expect([badSelect.status, codeOf(badSelect.body)]).toEqual([400, 'Request_BadRequest']);
    expect([badTop.status, codeOf(badTop.body)]).toEqual([400, 'Request_BadRequest']);
  });
});

describe('sandbox POST /v1.0/users/{id}/checkMemberGroups', () => {
  test('when a nested member is checked, then the direct and the transitive group are returned and the others not', async () => {
    const answer = await graph('POST', `/v1.0/users/${LEE}/checkMemberGroups`, {
      body: { groupIds: [ADMIN_AGENTS, SALES_AGENTS, SALES_LEADS, '0f0f0f0f-0000-4000-8000-000000000000'] },
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)', value: [SALES_AGENTS, SALES_LEADS] });
  });

  test('when the user is named by UPN, then it is the same check', async () => {
    const answer = await graph('POST', '/v1.0/users/ada@litwarecsp.onmicrosoft.com/checkMemberGroups', { body: { groupIds: [SALES_AGENTS, ADMIN_AGENTS] } });
    expect((answer.body as { value: string[] }).value).toEqual([ADMIN_AGENTS]);
  });

  test('when more than 20 ids, no groupIds or a non-GUID id are sent, then 400 Request_BadRequest', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => `0f0f0f0f-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const tooMany = await graph('POST', `/v1.0/users/${LEE}/checkMemberGroups`, { body: { groupIds: ids } });
    const noIds = await graph('POST', `/v1.0/users/${LEE}/checkMemberGroups`, { body: { ids: [SALES_AGENTS] } });
    const notGuid = await graph('POST', `/v1.0/users/${LEE}/checkMemberGroups`, { body: { groupIds: ['Litware Sales Agents'] } });

    expect([tooMany.status, codeOf(tooMany.body)]).toEqual([400, 'Request_BadRequest']);
    expect([noIds.status, codeOf(noIds.body)]).toEqual([400, 'Request_BadRequest']);
    expect([notGuid.status, codeOf(notGuid.body)]).toEqual([400, 'Request_BadRequest']);
  });

  test("when the user is unknown or of another tenant than the token's, then 404 Request_ResourceNotFound", async () => {
    const unknown = await graph('POST', '/v1.0/users/0f0f0f0f-0000-4000-8000-000000000000/checkMemberGroups', { body: { groupIds: [SALES_AGENTS] } });
    const otherTenant = await graph('POST', `/v1.0/users/${LEE}/checkMemberGroups`, { tenantId: CONTOSO, body: { groupIds: [SALES_AGENTS] } });

    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'Request_ResourceNotFound']);
    expect([otherTenant.status, codeOf(otherTenant.body)]).toEqual([404, 'Request_ResourceNotFound']);
  });
});

describe('sandbox group state', () => {
  test('when two groups contain each other, then their transitive users are still listed once each', () => {
    const seed = loadDefaultSeed();
    const looped = parseSeed({
      ...seed,
      groups: [
        { id: ADMIN_AGENTS, tenantId: PARTNER, displayName: 'A', members: [ADA, SALES_AGENTS] },
        { id: SALES_AGENTS, tenantId: PARTNER, displayName: 'B', members: [SAM, ADMIN_AGENTS, ADA] },
        ...seed.groups.slice(2),
      ],
    });
    const state = new SandboxState(looped);
    const group = state.findGroup(PARTNER, ADMIN_AGENTS);

    expect(group && state.transitiveUsers(group).map((u) => u.id)).toEqual([ADA, SAM]);
  });
});

describe('sandbox GET /v1.0/groups/{id}', () => {
  test('when the service account reads a partner group, then its display name comes back; another tenant\'s or an unknown group is 404', async () => {
    const managers = await graph('GET', '/v1.0/groups/5a0e0002-0000-4000-8000-000000000004?$select=displayName');
    const unknown = await graph('GET', '/v1.0/groups/5a0e0002-0000-4000-8000-0000000000ff');
    const elsewhere = await graph('GET', `/v1.0/groups/${ADMIN_AGENTS}`, { tenantId: CONTOSO });

    expect(managers.status).toBe(200);
    expect(managers.body).toMatchObject({ id: '5a0e0002-0000-4000-8000-000000000004', displayName: 'Litware Azure Managers' });
    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'Request_ResourceNotFound']);
    expect(elsewhere.status).toBe(404);
  });
});
