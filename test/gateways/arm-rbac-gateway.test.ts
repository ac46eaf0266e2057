// ArmRbacGateway (the real @azure/arm-authorization client) against the sandbox: requests, ARM rules, retries.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { ArmRbacGateway, existingAssignmentIdFrom } from '../../src/gateways/arm-rbac-gateway';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { principalId, subscriptionId, tenantId } from '../../src/domain/ids';
import { isAccessDenied } from '../../src/services/access-errors';
import { CloudUnavailableError, type NewRoleAssignment } from '../../src/services/ports';
import { rawCall } from '../sandbox/raw-client';
import { clockMovedUntil, fakeTimeouts, until } from '../support/fake-time';
import { armExampleBody, armExampleRequestBody, keyPaths, missingKeys } from './microsoft-fixtures';

const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const FABRIKAM = tenantId('c0000003-0000-4000-8000-000000000003');
const WINGTIP = tenantId('c0000006-0000-4000-8000-000000000006');
const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = principalId('c0000001-0000-4000-8000-0000000000a1');
const BOB = principalId('c0000001-0000-4000-8000-0000000000b1');
const CONTRIBUTOR = `${PROD}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const READER = `${PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const EXAMPLES = 'arm-authorization-2022-04-01/examples';

let seeded = 0;
let sandbox: RunningSandbox;
let gateway: ArmRbacGateway;
let counter = 0;
/** A fresh assignment GUID per call, so tests do not depend on each other. */
const newName = () => `0a0a0a0a-0000-4000-8000-${String((counter += 1)).padStart(12, '0')}`;
const grant = (overrides: Partial<NewRoleAssignment> = {}): NewRoleAssignment => ({
  scope: PROD, name: newName(), roleDefinitionId: CONTRIBUTOR, principalId: ALICE, principalType: 'User', ...overrides,
});

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  seeded = sandbox.state.roleAssignments.length;
  gateway = new ArmRbacGateway({
    endpoint: sandbox.url,
    credential: sandboxUserCredential(sandbox),
    tlsCa: sandbox.caCertPem,
    retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.state.roleAssignments.splice(seeded); // keep the seeded assignments only (AOBO Owner, Bob, Chloé, the app's)
});

describe('ArmRbacGateway', () => {
  test('when an assignment is created, then ARM receives the published PUT shape and the assignment is listed afterwards', async () => {
    const request = grant();
    const result = await gateway.createRoleAssignment(CONTOSO, request);

    expect(result).toMatchObject({ ok: true, alreadyExisted: false, assignment: { name: request.name, scope: PROD, principalId: ALICE, principalType: 'User' } });
    const put = sandbox.requests.filter((r) => r.method === 'PUT').at(-1);
    expect(put?.path).toBe(`${PROD}/providers/Microsoft.Authorization/roleAssignments/${request.name}`);
    expect(put?.query['api-version']).toBe('2022-04-01');
    expect(put?.headers.authorization).toBe('Bearer');
    expect(keyPaths(put?.body)).toEqual(keyPaths(armExampleRequestBody(`${EXAMPLES}/RoleAssignments_CreateForSubscription.json`)));
    expect(put?.body).toEqual({ properties: { roleDefinitionId: CONTRIBUTOR, principalId: ALICE, principalType: 'User' } });
    const listed = await gateway.listRoleAssignments(CONTOSO, PROD);
    expect(listed.map((a) => a.name)).toContain(request.name);
    expect(sandbox.state.roleAssignments.some((a) => a.name === request.name)).toBe(true);
  });

  test('when the same PUT is sent again under the same name, then it succeeds as an idempotent update', async () => {
    const request = grant();
    await gateway.createRoleAssignment(CONTOSO, request);
    const again = await gateway.createRoleAssignment(CONTOSO, request);
    expect(again).toMatchObject({ ok: true, alreadyExisted: false, assignment: { name: request.name } });
  });

  test('when the principal already has the role at the scope under another name, then the result is alreadyExisted with the existing id', async () => {
    const first = grant();
    await gateway.createRoleAssignment(CONTOSO, first);
    const second = await gateway.createRoleAssignment(CONTOSO, grant());
    expect(second).toEqual({ ok: true, alreadyExisted: true, existingAssignmentId: first.name });
  });

  test('when the same name is reused for another role, then ARM refuses with RoleAssignmentUpdateNotPermitted', async () => {
    const first = grant();
    await gateway.createRoleAssignment(CONTOSO, first);
    const changed = await gateway.createRoleAssignment(CONTOSO, { ...first, roleDefinitionId: READER });
    expect(changed).toMatchObject({ ok: false, code: 'RoleAssignmentUpdateNotPermitted', statusCode: 409 });
  });

  // Wingtip: the partner's account gets tokens there (GDAP Directory Readers) but holds no Azure role. (Northwind, with
  // no relationship at all, never gets as far as ARM: Entra refuses the token, AADSTS50020.)
  test('when the customer gave the partner no Azure rights (Wingtip), then the result is AuthorizationFailed with ARM message', async () => {
    const scope = '/subscriptions/c0000006-5b50-4000-8000-000000000001';
    const result = await gateway.createRoleAssignment(WINGTIP, grant({
      scope, principalId: principalId('c0000006-0000-4000-8000-0000000000a1'),
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
    }));
    expect(result).toMatchObject({ ok: false, code: 'AuthorizationFailed', statusCode: 403 });
    expect(result.ok ? '' : result.message).toMatch(/does not have authorization to perform action 'Microsoft\.Authorization\/roleAssignments\/write' over scope/);
  });

  test('when the principal is not in the customer tenant, then the result is PrincipalNotFound', async () => {
    const result = await gateway.createRoleAssignment(CONTOSO, grant({ principalId: principalId('c0000003-0000-4000-8000-0000000000a1') }));
    expect(result).toMatchObject({ ok: false, code: 'PrincipalNotFound', statusCode: 400 });
  });

  test('when the role definition does not exist, then the result is RoleDefinitionDoesNotExist', async () => {
    const result = await gateway.createRoleAssignment(CONTOSO, grant({ roleDefinitionId: `${PROD}/providers/Microsoft.Authorization/roleDefinitions/11111111-1111-4111-8111-111111111111` }));
    expect(result).toMatchObject({ ok: false, code: 'RoleDefinitionDoesNotExist' });
  });

  test('when the subscription is unknown, then the result is SubscriptionNotFound', async () => {
    const scope = '/subscriptions/99999999-5b50-4000-8000-000000000001';
    const result = await gateway.createRoleAssignment(CONTOSO, grant({ scope, roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7` }));
    expect(result).toMatchObject({ ok: false, code: 'SubscriptionNotFound', statusCode: 404 });
  });

  test('when ARM throttles with 429 and Retry-After, then the SDK pipeline waits that long, retries and the assignment is created', async () => {
    sandbox.faults.add({ method: 'PUT', pathIncludes: '/roleAssignments/', status: 429, code: 'TooManyRequests', retryAfterSeconds: 1 });
    const request = grant();
    const puts = () => sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.name));
    fakeTimeouts();
    try {
      const result = gateway.createRoleAssignment(CONTOSO, request);
      await until('the first PUT is answered 429', () => puts()[0]?.status === 429);
      const waited = await clockMovedUntil('the PUT is retried', () => puts().length > 1);

      expect(await result).toMatchObject({ ok: true, alreadyExisted: false });
      expect(waited).toBeGreaterThanOrEqual(1000);
      expect(puts().map((r) => r.status)).toEqual([429, 201]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('when ARM asks for a wait longer than an attempt may take (Retry-After 120 s), then the call is not held: the answer is Throttled at once', async () => {
    sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'throttle', retryAfterSeconds: 120 });
    const request = grant();

    expect(await gateway.createRoleAssignment(CONTOSO, request)).toMatchObject({ ok: false, code: 'Throttled', statusCode: 429 });
    expect(sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.name)).map((r) => r.status)).toEqual([429]);
  });

  test('when ARM keeps failing with 503, then the gateway throws CloudUnavailableError after the retries', async () => {
    sandbox.faults.add({ pathIncludes: '/roleAssignments', status: 503, code: 'ServiceUnavailable', times: 10 });
    await expect(gateway.createRoleAssignment(CONTOSO, grant())).rejects.toBeInstanceOf(CloudUnavailableError);
  });

  describe('when ARM never answers', () => {
    const DEADLINE_MS = 300;
    const hasty = () => new ArmRbacGateway({
      endpoint: sandbox.url, credential: sandboxUserCredential(sandbox), tlsCa: sandbox.caCertPem,
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 }, requestTimeoutInMs: DEADLINE_MS,
    });

    test('the PUT: each attempt is given up at its deadline, retried by the pipeline, then the gateway says ARM timed out', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'hang', times: 10 });
      const request = grant();

      const error: unknown = await hasty().createRoleAssignment(CONTOSO, request).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CloudUnavailableError);
      expect(error).toMatchObject({ service: 'ARM', message: expect.stringMatching(/^Creating the role assignment failed: PUT .* timed out: no answer within 300 ms$/) });
      // 1 + maxRetries attempts, each one sent once: no retry layer under another.
      expect(sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.name))).toHaveLength(3);
      expect(sandbox.state.roleAssignments.some((a) => a.name === request.name)).toBe(false);
    });

    test('once, then answers: the PUT is sent again when its deadline has passed on the clock, and the assignment is created', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'hang', times: 1 });
      const request = grant();
      const puts = () => sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.name));
      fakeTimeouts();
      try {
        const result = hasty().createRoleAssignment(CONTOSO, request);
        await until('the first PUT arrives', () => puts().length === 1);
        const waited = await clockMovedUntil('the PUT is sent again', () => puts().length === 2, { stepInMs: 10 });

        expect(waited).toBeGreaterThanOrEqual(DEADLINE_MS);
        expect(await result).toMatchObject({ ok: true, alreadyExisted: false });
        expect(puts()).toHaveLength(2);
      } finally {
        jest.useRealTimers();
      }
    });

    test('the permissions check sent through the client\'s pipeline: it times out too, as an outage', async () => {
      sandbox.faults.add({ method: 'GET', pathIncludes: '/providers/Microsoft.Authorization/permissions', kind: 'hang', times: 10 });

      await expect(hasty().canAssignRoles(CONTOSO, PROD)).rejects.toThrow(/^Reading permissions failed: GET .* timed out/);
      expect(sandbox.requests.filter((r) => r.path.endsWith('/providers/Microsoft.Authorization/permissions'))).toHaveLength(3);
    });

    test('a delay shorter than the deadline: the answer is waited for, with no second attempt', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'delay', delayMs: DEADLINE_MS - 1 });
      const request = grant();
      const puts = () => sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.name));
      fakeTimeouts();
      try {
        const result = hasty().createRoleAssignment(CONTOSO, request);
        await until('the PUT arrives', () => puts().length === 1);
        // The clock moves to just before the deadline (the sandbox answers then), and stands still while the answer travels.
        await jest.advanceTimersByTimeAsync(DEADLINE_MS - 1);

        expect(await result).toMatchObject({ ok: true });
        expect(puts()).toHaveLength(1);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  test('when an assignment is read, deleted and deleted again, then get finds it, delete says true then false, get says undefined', async () => {
    const request = grant();
    await gateway.createRoleAssignment(CONTOSO, request);

    const found = await gateway.getRoleAssignment(CONTOSO, PROD, request.name);
    const deleted = await gateway.deleteRoleAssignment(CONTOSO, PROD, request.name);
    const deletedAgain = await gateway.deleteRoleAssignment(CONTOSO, PROD, request.name);
    const gone = await gateway.getRoleAssignment(CONTOSO, PROD, request.name);

    expect(found).toMatchObject({ name: request.name, roleDefinitionId: CONTRIBUTOR, principalId: ALICE });
    expect(found?.createdOn).toBeInstanceOf(Date);
    expect([deleted, deletedAgain, gone]).toEqual([true, false, undefined]);
  });

  test('when listing at a resource group, then the inherited subscription assignment (Bob, Reader) is included', async () => {
    const rg = `${PROD}/resourceGroups/rg-web`;
    const request = grant({ scope: rg });
    await gateway.createRoleAssignment(CONTOSO, request);

    const listed = await gateway.listRoleAssignments(CONTOSO, rg);

    expect(listed.map((a) => a.scope)).toEqual(expect.arrayContaining([rg, PROD]));
    expect(listed.find((a) => a.principalId === BOB)?.roleDefinitionId).toBe(READER);
    expect(listed.some((a) => a.scope.endsWith('/rg-data'))).toBe(false);
  });

  test('when listing role definitions, then built-ins carry their real GUIDs and the custom role shows only in its tenant', async () => {
    const contoso = await gateway.listRoleDefinitions(CONTOSO, subscriptionId('c0000001-5b50-4000-8000-000000000001'));
    const fabrikam = await gateway.listRoleDefinitions(FABRIKAM, subscriptionId('c0000003-5b50-4000-8000-000000000001'));

    expect(contoso.find((d) => d.roleName === 'Owner')).toMatchObject({ name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleType: 'BuiltInRole' });
    expect(contoso.find((d) => d.roleName === 'Contributor')?.id).toBe(CONTRIBUTOR);
    expect(contoso.find((d) => d.roleName === 'Contoso Support Operator')?.roleType).toBe('CustomRole');
    expect(fabrikam.map((d) => d.roleName)).toEqual(['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'Role Based Access Control Administrator']);
    expect(sandbox.requests.at(-1)?.query['api-version']).toBe('2022-04-01');
  });

  test('when the sandbox answers role assignment and definition calls, then its bodies have the keys of the published examples', async () => {
    const { name } = grant();
    const created = await rawCall(sandbox, 'PUT', `${PROD}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, {
      tenantId: CONTOSO, body: { properties: { roleDefinitionId: CONTRIBUTOR, principalId: ALICE, principalType: 'User' } },
    });
    const got = await rawCall(sandbox, 'GET', `${PROD}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { tenantId: CONTOSO });
    const list = await rawCall(sandbox, 'GET', `${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`, { tenantId: CONTOSO });
    const definition = await rawCall(sandbox, 'GET', `${PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7?api-version=2022-04-01`, { tenantId: CONTOSO });
    const deleted = await rawCall(sandbox, 'DELETE', `${PROD}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { tenantId: CONTOSO });
    const deletedAgain = await rawCall(sandbox, 'DELETE', `${PROD}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { tenantId: CONTOSO });

    expect(created.status).toBe(201);
    expect(missingKeys(armExampleBody(`${EXAMPLES}/RoleAssignments_CreateForSubscription.json`, '201'), created.body)).toEqual([]);
    expect(missingKeys(armExampleBody('arm-authorization-2022-04-01/examples-typespec-layout/RoleAssignments_Get.json', '200'), got.body)).toEqual([]);
    expect(missingKeys(armExampleBody(`${EXAMPLES}/RoleAssignments_ListForScope.json`, '200'), list.body)).toEqual([]);
    expect(missingKeys(armExampleBody(`${EXAMPLES}/GetRoleDefinitionByName.json`, '200'), definition.body)).toEqual([]);
    expect(missingKeys(armExampleBody(`${EXAMPLES}/RoleAssignments_Delete.json`, '200'), deleted.body)).toEqual([]);
    expect([deleted.status, deletedAgain.status, deletedAgain.body]).toEqual([200, 204, undefined]);
  });

  test('when ARM rejects a read for lack of access, then the gateway throws a refusal (AccessDeniedError) with ARM\'s status and code', async () => {
    const scope = '/subscriptions/c0000006-5b50-4000-8000-000000000001';
    const error: unknown = await gateway.listRoleAssignments(WINGTIP, scope).catch((e: unknown) => e);
    expect(isAccessDenied(error) ? [error.service, error.reason, error.statusCode, error.code] : error).toEqual(['ARM', 'forbidden', 403, 'AuthorizationFailed']);
  });

  test("when ARM's 409 message carries the existing id without dashes, then it is read back as a GUID", () => {
    expect(existingAssignmentIdFrom('The role assignment already exists. The ID of the existing role assignment is 716c4d159bc8476da3c16ccb70082517.'))
      .toBe('716c4d15-9bc8-476d-a3c1-6ccb70082517');
    expect(existingAssignmentIdFrom('The role assignment already exists.')).toBeUndefined();
  });
});
