// GraphDirectoryGateway against the sandbox: finding customer users by name, UPN, object id; OData escaping; $search header.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { GraphDirectoryGateway } from '../../src/gateways/graph-directory-gateway';
import { createSandboxCredential } from '../../src/gateways/credentials';
import { principalId, tenantId } from '../../src/domain/ids';
import { GRAPH, rawCall } from '../sandbox/raw-client';
import { missingKeys, readFixture } from './microsoft-fixtures';

const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const FABRIKAM = tenantId('c0000003-0000-4000-8000-000000000003');
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';

let sandbox: RunningSandbox;
let gateway: GraphDirectoryGateway;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  gateway = new GraphDirectoryGateway({ endpoint: sandbox.url, credential: createSandboxCredential(), tlsCa: sandbox.caCertPem });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('GraphDirectoryGateway', () => {
  test('when looking for "alice" in Contoso, then only Contoso\'s Alice Martin is found, with her userType', async () => {
    const users = await gateway.findUsers(CONTOSO, 'alice');

    expect(users).toEqual([{ id: ALICE_MARTIN, displayName: 'Alice Martin', givenName: 'Alice', surname: 'Martin', userPrincipalName: 'alice@contoso.onmicrosoft.com', mail: 'alice@contoso.onmicrosoft.com', userType: 'Member' }]);
    const request = sandbox.requests.at(-1);
    expect(request?.query.$filter).toBe("startswith(displayName,'alice') or startswith(givenName,'alice') or startswith(surname,'alice') or startswith(userPrincipalName,'alice') or startswith(mail,'alice')");
    expect(request?.query.$select).toBe('id,displayName,givenName,surname,userPrincipalName,mail,userType');
    expect(request?.headers.authorization).toBe('Bearer');
  });

  test('when looking for "Alice" in Fabrikam, then both Fabrikam Alices are returned', async () => {
    const users = await gateway.findUsers(FABRIKAM, 'Alice');
    expect(users.map((u) => u.displayName).sort()).toEqual(['Alice Johnson', 'Alice Smith']);
  });

  test('when looking up by UPN or by object id, then the exact user is found with eq filters', async () => {
    const byUpn = await gateway.findUsers(CONTOSO, 'ALICE@contoso.onmicrosoft.com');
    const byUpnFilter = sandbox.requests.at(-1)?.query.$filter;
    const byId = await gateway.findUsers(CONTOSO, ALICE_MARTIN.toUpperCase());
    const byIdFilter = sandbox.requests.at(-1)?.query.$filter;

    expect(byUpn.map((u) => u.id)).toEqual([ALICE_MARTIN]);
    expect(byUpnFilter).toBe("userPrincipalName eq 'ALICE@contoso.onmicrosoft.com' or mail eq 'ALICE@contoso.onmicrosoft.com'");
    expect(byId.map((u) => u.id)).toEqual([ALICE_MARTIN]);
    expect(byIdFilter).toBe(`id eq '${ALICE_MARTIN}'`);
  });

  test('when a guest is looked up by mail, then the guest comes back with userType Guest', async () => {
    const users = await gateway.findUsers(CONTOSO, 'gina@fabrikam.com');
    expect(users).toEqual([expect.objectContaining({ displayName: 'Gina Guest', userType: 'Guest', userPrincipalName: 'gina_fabrikam.com#EXT#@contoso.onmicrosoft.com' })]);
  });

  test("when the text has a quote and nothing starts with it, then the literal doubles the quote and $search follows with ConsistencyLevel: eventual", async () => {
    const users = await gateway.findUsers(CONTOSO, "O'Brien");

    expect(users).toEqual([]);
    const [filtered, searched] = sandbox.requests.slice(-2);
    expect(filtered?.query.$filter).toContain("startswith(displayName,'O''Brien')");
    expect(searched?.query.$search).toBe('"displayName:O\'Brien"');
    expect(searched?.headers.consistencylevel).toBe('eventual');
    expect(searched?.status).toBe(200);
  });

  test('when a user is read by id, then it is found in its tenant only', async () => {
    const found = await gateway.getUser(CONTOSO, principalId(ALICE_MARTIN));
    const elsewhere = await gateway.getUser(FABRIKAM, principalId(ALICE_MARTIN));
    expect(found?.displayName).toBe('Alice Martin');
    expect(elsewhere).toBeUndefined();
  });

  test('when the sandbox answers GET /v1.0/users, then the default body has the keys of the documented example', async () => {
    const all = await rawCall(sandbox, 'GET', '/v1.0/users', { scope: GRAPH, tenantId: CONTOSO });
    const counted = await rawCall(sandbox, 'GET', `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'a')")}&$count=true&$top=1`, { scope: GRAPH, tenantId: CONTOSO, headers: { ConsistencyLevel: 'eventual' } });
    const noHeader = await rawCall(sandbox, 'GET', `/v1.0/users?$search=${encodeURIComponent('"displayName:ali"')}`, { scope: GRAPH, tenantId: CONTOSO });
    const missing = await rawCall(sandbox, 'GET', '/v1.0/users/nobody@contoso.onmicrosoft.com', { scope: GRAPH, tenantId: CONTOSO });

    expect(missingKeys(readFixture('graph-users/ex01-get_users_2.response.json'), all.body)).toEqual([]);
    expect(counted.body).toMatchObject({ '@odata.count': 1, value: [expect.objectContaining({ displayName: 'Alice Martin' })] });
    // ex04's user objects are cut down in the doc ("truncated"); only its envelope (@odata.count) is compared.
    const ex04 = readFixture('graph-users/ex04-list_users_startswith.filter-top-count.response.json') as Record<string, unknown>;
    expect(missingKeys({ ...ex04, value: [] }, counted.body)).toEqual([]);
    expect([noHeader.status, noHeader.body]).toEqual([400, expect.objectContaining({ error: expect.objectContaining({ code: 'Request_UnsupportedQuery' }) })]);
    expect([missing.status, missing.body]).toEqual([404, expect.objectContaining({ error: expect.objectContaining({ code: 'Request_ResourceNotFound' }) })]);
  });
});
