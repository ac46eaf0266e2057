// ARM authorises each call from its token: the subscription's tenant, the caller's effective RBAC (AOBO only with a
// GDAP or DAP role), actions/notActions, the ABAC condition on the app's RBAC Administrator, and the permissions API.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { armExampleBody, missingKeys } from '../gateways/microsoft-fixtures';
import { rawCall, type RawOptions } from './raw-client';

const V = 'api-version=2022-04-01';
const TENANT = {
  contoso: 'c0000001-0000-4000-8000-000000000001', pharma: 'c0000002-0000-4000-8000-000000000002', fabrikam: 'c0000003-0000-4000-8000-000000000003',
  northwind: 'c0000004-0000-4000-8000-000000000004', tailspin: 'c0000005-0000-4000-8000-000000000005', wingtip: 'c0000006-0000-4000-8000-000000000006',
};
const SUB = (tenant: string, n = 1) => `/subscriptions/${tenant.slice(0, 8)}-5b50-4000-8000-00000000000${n}`;
const ROLE = { owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c' };
/** A member of each customer (the principal the bot grants roles to). */
const USER: Record<keyof typeof TENANT, string> = {
  contoso: 'c0000001-0000-4000-8000-0000000000a1', pharma: 'c0000002-0000-4000-8000-0000000000e1', fabrikam: 'c0000003-0000-4000-8000-0000000000a1',
  northwind: 'c0000004-0000-4000-8000-0000000000f1', tailspin: 'c0000005-0000-4000-8000-0000000000a1', wingtip: 'c0000006-0000-4000-8000-0000000000a1',
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.stop());

let n = 0;
const newName = () => `7e570000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;
const put = (customer: keyof typeof TENANT, scope: string, role: string, options: RawOptions = {}, name = newName()) =>
  rawCall(sandbox, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, {
    tenantId: TENANT[customer], ...options,
    body: { properties: { roleDefinitionId: `${scope.split('/').slice(0, 3).join('/')}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: USER[customer], principalType: 'User' } },
  });
const permissions = (customer: keyof typeof TENANT, scope: string, options: RawOptions = {}) =>
  rawCall(sandbox, 'GET', `${scope}/providers/Microsoft.Authorization/permissions?${V}`, { tenantId: TENANT[customer], ...options });
const actionsOf = (body: unknown): string[] => (body as { value: { actions: string[] }[] }).value.flatMap((p) => p.actions);
const codeOf = (body: unknown): unknown => (body as { error?: { code?: unknown } } | undefined)?.error?.code;

describe('ARM: the token must come from the subscription tenant', () => {
  test("when the token was issued by Fabrikam for a Contoso subscription, then 401 InvalidAuthenticationTokenTenant with Microsoft's message", async () => {
    const answer = await rawCall(sandbox, 'GET', `${SUB(TENANT.contoso)}?api-version=2022-12-01`, { tenantId: TENANT.fabrikam });

    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'InvalidAuthenticationTokenTenant', message: expect.stringContaining(
      `The access token is from the wrong issuer 'https://sts.windows.net/${TENANT.fabrikam}/'. It must match the tenant 'https://sts.windows.net/${TENANT.contoso}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${TENANT.contoso}' to get the token.`) } });
  });
});

describe('ARM: the service account through AOBO (Admin Agents Owner) and GDAP', () => {
  test('when the customer has GDAP only (Contoso), then the service account assigns a role and its permissions show Owner', async () => {
    const created = await put('contoso', SUB(TENANT.contoso), ROLE.reader);
    const perms = await permissions('contoso', `${SUB(TENANT.contoso)}/resourceGroups/rg-web`);

    expect(created.status).toBe(201);
    expect(missingKeys(armExampleBody('arm-authorization-2022-04-01/examples/RoleAssignments_CreateForSubscription.json', '201'), created.body)).toEqual([]);
    expect(perms.status).toBe(200);
    expect(missingKeys({ value: [{ actions: [], notActions: [], dataActions: [], notDataActions: [] }] }, perms.body)).toEqual([]);
    expect(actionsOf(perms.body)).toEqual(['*']);
  });

  test('when the only GDAP role is Exchange Administrator (Tailspin), then AOBO still works: any GDAP role unlocks the Owner right', async () => {
    expect((await put('tailspin', SUB(TENANT.tailspin), ROLE.reader)).status).toBe(201);
  });

  test('when the customer has legacy DAP (Contoso Pharma), then Admin Agents act as Global Administrator and AOBO works', async () => {
    expect((await put('pharma', SUB(TENANT.pharma), ROLE.reader)).status).toBe(201);
  });

  test('when the partner has no GDAP role in the customer (Northwind), then the AOBO Owner assignment does not count: 403', async () => {
    const answer = await put('northwind', SUB(TENANT.northwind), ROLE.reader);
    const listed = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { tenantId: TENANT.northwind });

    expect([answer.status, codeOf(answer.body)]).toEqual([403, 'AuthorizationFailed']);
    expect((listed.body as { value: unknown[] }).value).toEqual([]);
  });

  test('when the customer removed the AOBO Owner (Wingtip), then the PUT is refused at the gateway and the permissions show no write', async () => {
    const name = newName();
    const answer = await put('wingtip', SUB(TENANT.wingtip), ROLE.reader, {}, name);
    const perms = await permissions('wingtip', SUB(TENANT.wingtip));

    expect(answer.status).toBe(403);
    expect(answer.headers['x-ms-failure-cause']).toBe('gateway');
    expect(answer.body).toEqual({ error: { code: 'AuthorizationFailed', message:
      `The client 'cspaccessbot@litwarecsp.onmicrosoft.com' with object id '5a0e0001-0000-4000-8000-000000000006' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope '${SUB(TENANT.wingtip)}/providers/Microsoft.Authorization/roleAssignments/${name}' or the scope is invalid. If access was recently granted, please refresh your credentials.` } });
    expect(perms.body).toEqual({ value: [] });
  });

  test('when a subscription list is asked, then only subscriptions where the caller holds a role come back', async () => {
    const contoso = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { tenantId: TENANT.contoso });
    const wingtip = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { tenantId: TENANT.wingtip });

    expect((contoso.body as { value: { subscriptionId: string }[] }).value.map((s) => s.subscriptionId)).toEqual([SUB(TENANT.contoso, 1), SUB(TENANT.contoso, 2)].map((s) => s.split('/')[2]));
    expect((wingtip.body as { value: unknown[] }).value).toEqual([]);
  });
});

describe("ARM: the Contoso app's service principal (RBAC Administrator with a condition on Contoso Production)", () => {
  const app: RawOptions = { as: 'app' };

  test('when it assigns Contributor to a user on Contoso Production, then 201; on Contoso Dev, where it has no role, 403', async () => {
    const prod = await put('contoso', SUB(TENANT.contoso, 1), ROLE.contributor, app);
    const dev = await put('contoso', SUB(TENANT.contoso, 2), ROLE.contributor, app);

    expect(prod.status).toBe(201);
    expect(prod.body).toMatchObject({ properties: { createdBy: 'c0000001-0000-4000-8000-00000000a990' } });
    expect([dev.status, codeOf(dev.body)]).toEqual([403, 'AuthorizationFailed']);
    expect(dev.body).toMatchObject({ error: { message: expect.stringMatching(/^The client '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6e8b10' with object id 'c0000001-0000-4000-8000-00000000a990' /) } });
  });

  test('when it tries to assign Owner, then the condition refuses it; deleting the AOBO Owner assignment is refused too', async () => {
    const owner = await put('contoso', SUB(TENANT.contoso, 1), ROLE.owner, app);
    const deleteAobo = await rawCall(sandbox, 'DELETE', `${SUB(TENANT.contoso, 1)}/providers/Microsoft.Authorization/roleAssignments/a0b00000-0000-4000-8000-000000001001?${V}`, { tenantId: TENANT.contoso, ...app });

    expect([owner.status, codeOf(owner.body)]).toEqual([403, 'AuthorizationFailed']);
    expect(owner.body).toMatchObject({ error: { message: expect.stringContaining('does not have authorization or an ABAC condition not fulfilled') } });
    expect(deleteAobo.status).toBe(403);
    expect(sandbox.state.findAssignment(SUB(TENANT.contoso, 1), 'a0b00000-0000-4000-8000-000000001001')).toBeDefined();
  });

  test('when it reads role assignments and its permissions, then RBAC Administrator allows reads and shows write (conditions are not in the list)', async () => {
    const list = await rawCall(sandbox, 'GET', `${SUB(TENANT.contoso, 1)}/providers/Microsoft.Authorization/roleAssignments?${V}`, { tenantId: TENANT.contoso, ...app });
    const perms = await permissions('contoso', SUB(TENANT.contoso, 1), app);

    expect(list.status).toBe(200);
    expect(actionsOf(perms.body)).toContain('Microsoft.Authorization/roleAssignments/write');
  });

  test('when the app has no role at all (Fabrikam), then even reading role definitions is refused', async () => {
    const answer = await rawCall(sandbox, 'GET', `${SUB(TENANT.fabrikam)}/providers/Microsoft.Authorization/roleDefinitions?${V}`, { tenantId: TENANT.fabrikam, ...app });
    expect([answer.status, codeOf(answer.body)]).toEqual([403, 'AuthorizationFailed']);
  });
});
