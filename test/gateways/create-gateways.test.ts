// createGateways wiring: one sandbox base URL for all three services, and certificate trust through NODE_EXTRA_CA_CERTS.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { createGateways, SANDBOX_PARTNER_TENANT_ID } from '../../src/gateways';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { principalId, tenantId } from '../../src/domain/ids';

const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, latencyMs: 5 });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('createGateways', () => {
  test('when the three endpoints are the same sandbox URL, then each gateway reaches its own service paths', async () => {
    const gateways = createGateways({
      armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url,
      credential: sandboxUserCredential(sandbox), partnerTenantId: SANDBOX_PARTNER_TENANT_ID, tlsCa: sandbox.caCertPem,
      retryOptions: { maxRetries: 1, retryDelayInMs: 10 },
    });

    const customers = await gateways.partnerCenter.searchCustomersByName('Contoso');
    const bob = await gateways.directory.getUser(CONTOSO, principalId('c0000001-0000-4000-8000-0000000000b1'));
    const assignments = await gateways.rbac.listRoleAssignments(CONTOSO, '/subscriptions/c0000001-5b50-4000-8000-000000000001');

    expect(customers).toHaveLength(2);
    expect(bob?.displayName).toBe('Bob Durand');
    expect(assignments.some((a) => a.principalId === bob?.id)).toBe(true);
    expect(sandbox.requests.map((r) => r.path.split('/')[1])).toEqual(['v1', 'v1.0', 'subscriptions']);
  });

  test('when another process trusts the sandbox certificate through NODE_EXTRA_CA_CERTS, then TLS to the sandbox succeeds', async () => {
    const certFile = path.join(mkdtempSync(path.join(tmpdir(), 'sandbox-ca-')), 'ca.pem');
    writeFileSync(certFile, sandbox.caCertPem);
    const script = `require('node:https').get(process.argv[1], (r) => { console.log(r.statusCode); r.resume(); }).on('error', (e) => { console.log(e.code); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, `${sandbox.url}/v1.0/users`], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
    });
    expect(stdout.trim()).toBe('401');
  });
});
