// GraphDirectoryGateway against the sandbox: finding customer users by name, UPN, object id; OData escaping; $search header;
// Entra group membership (transitive members with paging, checkMemberGroups in batches of 20).
import { loadDefaultSeed, startSandbox, type RunningSandbox } from '../../src/sandbox';
import { GraphDirectoryGateway, graphScopeFor } from '../../src/gateways/graph-directory-gateway';
import { SANDBOX_PARTNER_TENANT_ID } from '../../src/gateways/credentials';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { principalId, tenantId } from '../../src/domain/ids';
import { GRAPH, rawCall } from '../sandbox/raw-client';
import { missingKeys, readFixture } from './microsoft-fixtures';

const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const FABRIKAM = tenantId('c0000003-0000-4000-8000-000000000003');
const ALICE_MARTIN = 'c0000001-0000-4000-8000-0000000000a1';
const PARTNER = tenantId(SANDBOX_PARTNER_TENANT_ID);
const ADMIN_AGENTS = '5a0e0002-0000-4000-8000-000000000001';
const SALES_AGENTS = '5a0e0002-0000-4000-8000-000000000002';
const SALES_LEADS = '5a0e0002-0000-4000-8000-000000000003';
const litwareUser = (n: number) => principalId(`5a0e0001-0000-4000-8000-00000000000${n}`);
const [SAM, ADA, ALEX, PAT, LEE] = [litwareUser(1), litwareUser(2), litwareUser(3), litwareUser(4), litwareUser(5)];
const UNKNOWN_GROUP = '0f0f0f0f-0000-4000-8000-000000000000';

let sandbox: RunningSandbox;
let gateway: GraphDirectoryGateway;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  gateway = new GraphDirectoryGateway({ endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), tlsCa: sandbox.caCertPem });
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

describe('GraphDirectoryGateway group membership', () => {
  beforeEach(() => sandbox.faults.clear());

  test('when a group nests another group, then listGroupUserIds gives the users of both, through one GET of the user cast', async () => {
    // Arrange
    const before = sandbox.requests.length;

    // Act
    const ids = await gateway.listGroupUserIds(PARTNER, SALES_AGENTS);

    // Assert
    expect([...ids].sort()).toEqual([SAM, PAT, LEE].sort());
    const sent = sandbox.requests.slice(before);
    expect(sent).toEqual([expect.objectContaining({
      method: 'GET',
      path: `/v1.0/groups/${SALES_AGENTS}/transitiveMembers/microsoft.graph.user`,
      query: { $select: 'id', $top: '999' },
      body: undefined,
      status: 200,
    })]);
    expect(sent[0]?.headers.authorization).toBe('Bearer');
  });

  test('when the group is unknown or not a GUID, then listGroupUserIds gives an empty list; in a customer tenant where the app has no group permission, Graph refuses (not an outage)', async () => {
    const unknown = await gateway.listGroupUserIds(PARTNER, UNKNOWN_GROUP);
    const unknownStatus = sandbox.requests.at(-1)?.status;
    const before = sandbox.requests.length;
    const notGuid = await gateway.listGroupUserIds(PARTNER, 'Litware Sales Agents');
    const sentForNotGuid = sandbox.requests.length - before;
    const otherTenant = gateway.listGroupUserIds(CONTOSO, ADMIN_AGENTS);

    expect([unknown, unknownStatus]).toEqual([[], 404]);
    expect([notGuid, sentForNotGuid]).toEqual([[], 0]);
    await expect(otherTenant).rejects.toMatchObject({ name: 'AccessDeniedError', reason: 'forbidden', statusCode: 403 });
  });

  test('when memberGroups checks a nested member, then one POST checkMemberGroups returns the matching ids as the caller spelled them', async () => {
    const before = sandbox.requests.length;

    const groups = await gateway.memberGroups(PARTNER, LEE, [ADMIN_AGENTS, SALES_AGENTS.toUpperCase(), SALES_LEADS, UNKNOWN_GROUP]);

    expect(groups).toEqual([SALES_AGENTS.toUpperCase(), SALES_LEADS]);
    const sent = sandbox.requests.slice(before);
    expect(sent).toEqual([expect.objectContaining({
      method: 'POST',
      path: `/v1.0/users/${LEE}/checkMemberGroups`,
      body: { groupIds: [ADMIN_AGENTS, SALES_AGENTS.toUpperCase(), SALES_LEADS, UNKNOWN_GROUP] },
      status: 200,
    })]);
    expect(sent[0]?.headers).toMatchObject({ authorization: 'Bearer', 'content-type': 'application/json' });
  });

  test('when 45 ids (two repeated) are checked, then they go in batches of at most 20 and the answers are merged', async () => {
    const others = Array.from({ length: 40 }, (_, i) => `0f0f0f0f-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const ids = [...others.slice(0, 20), ADMIN_AGENTS, ...others.slice(20), SALES_AGENTS, SALES_LEADS, ADMIN_AGENTS, others[0] ?? ''];
    const before = sandbox.requests.length;

    const adaGroups = await gateway.memberGroups(PARTNER, ADA, ids);
    const samGroups = await gateway.memberGroups(PARTNER, SAM, ids);

    expect(adaGroups).toEqual([ADMIN_AGENTS]);
    expect(samGroups).toEqual([SALES_AGENTS]);
    const batches = sandbox.requests.slice(before).map((r) => (r.body as { groupIds: string[] }).groupIds);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 3, 20, 20, 3]);
    expect(new Set(batches.slice(0, 3).flat()).size).toBe(43);
  });

  test('when the user is unknown or no group is asked about, then memberGroups gives an empty list (no call for no groups)', async () => {
    const unknownUser = await gateway.memberGroups(PARTNER, principalId(UNKNOWN_GROUP), [SALES_AGENTS]);
    const before = sandbox.requests.length;
    const noGroups = await gateway.memberGroups(PARTNER, ALEX, []);

    expect(unknownUser).toEqual([]);
    expect([noGroups, sandbox.requests.length - before]).toEqual([[], 0]);
  });

  test('when Graph fails with 503, then both calls throw CloudUnavailableError naming the request', async () => {
    const impatient = new GraphDirectoryGateway({ endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), tlsCa: sandbox.caCertPem, retryOptions: { maxRetries: 0 } });
    sandbox.faults.add({ pathIncludes: '/checkMemberGroups', status: 503, code: 'serviceNotAvailable' });
    sandbox.faults.add({ pathIncludes: '/transitiveMembers', status: 503, code: 'serviceNotAvailable' });

    const check = impatient.memberGroups(PARTNER, ADA, [ADMIN_AGENTS]);
    await expect(check).rejects.toMatchObject({ name: 'CloudUnavailableError', service: 'Graph', message: expect.stringContaining('POST /v1.0/users/') });
    const list = impatient.listGroupUserIds(PARTNER, ADMIN_AGENTS);
    await expect(list).rejects.toMatchObject({ name: 'CloudUnavailableError', message: expect.stringContaining('answered 503') });
  });

  test('when Graph never answers, then the call is given up after its deadline (no retries asked) and throws CloudUnavailableError saying so', async () => {
    const hasty = new GraphDirectoryGateway({ endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), tlsCa: sandbox.caCertPem, retryOptions: { maxRetries: 0 }, requestTimeoutInMs: 300 });
    sandbox.faults.add({ pathIncludes: '/checkMemberGroups', kind: 'hang' });
    const before = sandbox.requests.length;

    await expect(hasty.memberGroups(PARTNER, ADA, [ADMIN_AGENTS])).rejects.toMatchObject({ name: 'CloudUnavailableError', service: 'Graph', message: expect.stringContaining('timed out: no answer within 300 ms') });
    expect(sandbox.requests.length - before).toBe(1);
  });
});

describe('GraphDirectoryGateway group membership paging', () => {
  const BIG_GROUP = '5a0e0002-0000-4000-8000-0000000000ff';
  let big: RunningSandbox;

  beforeAll(async () => {
    // 1,200 users behind a nested group: more than Graph's largest page (999), so the gateway must follow @odata.nextLink.
    const seed = loadDefaultSeed();
    const extra = Array.from({ length: 1200 }, (_, i) => ({
      id: `5a0e0003-0000-4000-8000-${String(i).padStart(12, '0')}`, tenantId: SANDBOX_PARTNER_TENANT_ID, displayName: `Agent ${i}`,
      givenName: null, surname: null, userPrincipalName: `agent${i}@litwarecsp.onmicrosoft.com`, mail: null, userType: 'Member' as const, jobTitle: null,
    }));
    const inner = { id: '5a0e0002-0000-4000-8000-0000000000fe', tenantId: SANDBOX_PARTNER_TENANT_ID, displayName: 'Inner', members: extra.slice(600).map((u) => u.id) };
    const outer = { id: BIG_GROUP, tenantId: SANDBOX_PARTNER_TENANT_ID, displayName: 'Everyone', members: [...extra.slice(0, 600).map((u) => u.id), inner.id, SALES_AGENTS] };
    big = await startSandbox({ port: 0, seed: { ...seed, users: [...seed.users, ...extra], groups: [...seed.groups, inner, outer] } });
  });
  afterAll(async () => {
    await big.stop();
  });

  test('when a group has more users than one page, then listGroupUserIds follows @odata.nextLink to the end', async () => {
    const bigGateway = new GraphDirectoryGateway({ endpoint: big.url, credential: sandboxUserCredential(big), tlsCa: big.caCertPem });

    const ids = await bigGateway.listGroupUserIds(PARTNER, BIG_GROUP);

    expect(ids).toHaveLength(1203);
    expect(new Set(ids).size).toBe(1203);
    expect(ids).toEqual(expect.arrayContaining([LEE, '5a0e0003-0000-4000-8000-000000001199']));
    const pages = big.requests.filter((r) => r.path.endsWith('/transitiveMembers/microsoft.graph.user'));
    expect(pages.map((r) => [r.query.$top, r.query.$select, r.query.$skiptoken !== undefined])).toEqual([['999', 'id', false], ['999', 'id', true]]);
  });
});

describe('graphScopeFor', () => {
  it.each([
    ['https://graph.microsoft.com', 'https://graph.microsoft.com/.default'],
    ['https://graph.microsoft.us', 'https://graph.microsoft.us/.default'],
    ['https://dod-graph.microsoft.us/', 'https://dod-graph.microsoft.us/.default'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn/.default'],
    ['https://127.0.0.1:8443', 'https://graph.microsoft.com/.default'],
  ])('when Graph is at %s, then tokens are asked for %s', (endpoint, scope) => {
    expect(graphScopeFor(endpoint)).toBe(scope);
  });
});
