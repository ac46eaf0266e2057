// The sandbox's service rules seen through raw HTTP: ARM scopes and role assignment errors, subscriptions, paging, Graph queries.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { armExampleBody, missingKeys } from '../gateways/microsoft-fixtures';
import { GRAPH, PARTNER_CENTER, rawCall } from './raw-client';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const FABRIKAM = 'c0000003-0000-4000-8000-000000000003';
const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ASSIGNMENTS = `${PROD}/providers/Microsoft.Authorization/roleAssignments`;
const READER = `${PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const V = 'api-version=2022-04-01';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

const arm = (method: string, path: string, body?: unknown) => rawCall(sandbox, method, path, { tenantId: CONTOSO, body });
const codeOf = (body: unknown): unknown => (body as { error?: { code?: unknown } } | undefined)?.error?.code;

describe('sandbox ARM', () => {
  test('when the role assignment name is not a GUID, then 400 InvalidRoleAssignmentId', async () => {
    const answer = await arm('PUT', `${ASSIGNMENTS}/not-a-guid?${V}`, { properties: { roleDefinitionId: READER, principalId: ALICE } });
    expect([answer.status, codeOf(answer.body)]).toEqual([400, 'InvalidRoleAssignmentId']);
  });

  test('when the resource group does not exist, then 404 ResourceGroupNotFound', async () => {
    const answer = await arm('GET', `${PROD}/resourceGroups/rg-missing/providers/Microsoft.Authorization/roleAssignments?${V}`);
    expect([answer.status, codeOf(answer.body)]).toEqual([404, 'ResourceGroupNotFound']);
  });

  test('when an assignment is missing, then GET answers 404 RoleAssignmentNotFound', async () => {
    const answer = await arm('GET', `${ASSIGNMENTS}/0f0f0f0f-0000-4000-8000-000000000000?${V}`);
    expect([answer.status, codeOf(answer.body)]).toEqual([404, 'RoleAssignmentNotFound']);
  });

  test('when a duplicate grant is PUT under another name, then 409 RoleAssignmentExists names the existing id as ARM does', async () => {
    const body = { properties: { roleDefinitionId: READER, principalId: ALICE, principalType: 'User' } };
    const first = await arm('PUT', `${PROD}/resourceGroups/rg-web/providers/Microsoft.Authorization/roleAssignments/1e1e1e1e-0000-4000-8000-000000000001?${V}`, body);
    const second = await arm('PUT', `${PROD}/resourceGroups/rg-web/providers/Microsoft.Authorization/roleAssignments/1e1e1e1e-0000-4000-8000-000000000002?${V}`, body);

    expect(first.status).toBe(201);
    expect(missingKeys(armExampleBody('arm-authorization-2022-04-01/examples/RoleAssignments_CreateForResourceGroup.json', '201'), first.body)).toEqual([]);
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ error: { code: 'RoleAssignmentExists', message: 'The role assignment already exists. The ID of the existing role assignment is 1e1e1e1e000040008000000000000001.' } });
  });

  test('when listing with atScope() at a subscription, then assignments below it (resource groups) are left out', async () => {
    const all = await arm('GET', `${ASSIGNMENTS}?${V}`);
    const atScope = await arm('GET', `${ASSIGNMENTS}?${V}&$filter=${encodeURIComponent('atScope()')}`);
    const scopes = (body: unknown) => (body as { value: { properties: { scope: string } }[] }).value.map((a) => a.properties.scope);

    expect(scopes(all.body)).toContain(`${PROD}/resourceGroups/rg-data`);
    expect(new Set(scopes(atScope.body))).toEqual(new Set([PROD]));
  });

  test("when role definitions are filtered by roleName, then only that role comes back", async () => {
    const answer = await arm('GET', `${PROD}/providers/Microsoft.Authorization/roleDefinitions?${V}&$filter=${encodeURIComponent("roleName eq 'Reader'")}`);
    expect((answer.body as { value: { name: string }[] }).value.map((d) => d.name)).toEqual(['acdd72a7-3385-48ef-bd42-f606fba81ae7']);
  });

  test('when subscriptions are listed or read with a customer token, then they have the published shape and only that tenant', async () => {
    const list = await arm('GET', '/subscriptions?api-version=2022-12-01');
    const one = await arm('GET', `${PROD}?api-version=2022-12-01`);
    const bodies = (list.body as { value: { tenantId: string }[] }).value;

    expect(bodies.map((s) => s.tenantId)).toEqual([CONTOSO, CONTOSO]);
    // Tags are the customer's own keys, and the list example's nextLink is a placeholder ("..."): both left out.
    const withoutTags = (s: unknown) => ({ ...(s as Record<string, unknown>), tags: {} });
    const listExample = armExampleBody('arm-subscriptions-2022-12-01/examples/GetSubscriptions.json', '200') as { value: unknown[] };
    const oneExample = armExampleBody('arm-subscriptions-2022-12-01/examples/GetSubscription.json', '200');
    expect(missingKeys({ value: listExample.value.map(withoutTags) }, list.body)).toEqual([]);
    expect(missingKeys(withoutTags(oneExample), one.body)).toEqual([]);
    expect(one.body).toMatchObject({ tags: { environment: 'production' } });
  });
});

describe('sandbox Partner Center and Graph', () => {
  test('when customers are listed with a small size, then Partner Center style continuation pages through all of them', async () => {
    const first = await rawCall(sandbox, 'GET', '/v1/customers?size=3', { scope: PARTNER_CENTER });
    const body = first.body as { continuationToken: string; links: { next: { uri: string; headers: { key: string; value: string }[] } }; items: unknown[] };
    const header = body.links.next.headers[0];
    const second = await rawCall(sandbox, 'GET', `/v1${body.links.next.uri}`, { scope: PARTNER_CENTER, headers: { [header?.key ?? '']: header?.value ?? '' } });

    expect(body.items).toHaveLength(3);
    expect(header?.key).toBe('MS-ContinuationToken');
    expect(header?.value).toBe(body.continuationToken);
    expect((second.body as { items: unknown[]; links: Record<string, unknown> }).items).toHaveLength(3);
    expect((second.body as { links: Record<string, unknown> }).links.next).toBeUndefined();
  });

  test('when Graph is asked with $top smaller than the matches, then @odata.nextLink points back at the sandbox', async () => {
    const page = await rawCall(sandbox, 'GET', `/v1.0/users?$filter=${encodeURIComponent("startswith(givenName,'alice')")}&$top=1`, { scope: GRAPH, tenantId: FABRIKAM });
    const next = (page.body as Record<string, unknown>)['@odata.nextLink'];
    expect(typeof next === 'string' && next.startsWith(`${sandbox.url}/v1.0/users?`)).toBe(true);
  });

  test('when Graph $search uses a word inside the display name, then the user is found (ConsistencyLevel given)', async () => {
    const answer = await rawCall(sandbox, 'GET', `/v1.0/users?$search=${encodeURIComponent('"displayName:lef"')}&$select=displayName`, {
      scope: GRAPH, tenantId: CONTOSO, headers: { ConsistencyLevel: 'eventual' },
    });
    expect(answer.body).toEqual({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(displayName)', value: [{ displayName: 'Chloé Lefèvre' }] });
  });

  test('when a Graph $filter is not understood, then 400 in Graph error shape', async () => {
    const answer = await rawCall(sandbox, 'GET', `/v1.0/users?$filter=${encodeURIComponent("endswith(mail,'x')")}`, { scope: GRAPH, tenantId: CONTOSO });
    expect([answer.status, codeOf(answer.body)]).toEqual([400, 'BadRequest']);
  });
});
