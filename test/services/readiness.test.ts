// ReadinessService with the real Partner Center, Graph (GDAP) and ARM gateways against the sandbox, tokens from its
// Entra: each customer's state gives its own answer, in the delegated model (the SAM service account) and the app model.
import { subscriptionId, tenantId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { GraphGdapGateway } from '../../src/gateways/gdap-gateway';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { ReadinessService, type AccessModel, type ReadinessTarget } from '../../src/services/readiness';
import { sandboxAppCredential, sandboxUserCredential } from '../support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const target = (n: number, sub = 1): ReadinessTarget => ({
  tenantId: tenantId(`c000000${n}-0000-4000-8000-00000000000${n}`),
  subscription: { id: subscriptionId(`c000000${n}-5b50-4000-8000-00000000000${sub}`) },
});
const [CONTOSO, PHARMA, FABRIKAM, NORTHWIND, TAILSPIN, WINGTIP] = [target(1), target(2), target(3), target(4), target(5), target(6)];
const CONTOSO_DEV = target(1, 2);

let sandbox: RunningSandbox;
let now = Date.parse('2026-11-25T09:00:00Z');
const clock = { now: () => new Date(now) };

function readinessFor(model: AccessModel, securityGroupIds: string[] = []): ReadinessService {
  const credential = model === 'app' ? sandboxAppCredential(sandbox) : sandboxUserCredential(sandbox);
  const retryOptions = { maxRetries: 0 };
  const gateways = createGateways({ armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  const gdap = new GraphGdapGateway({ endpoint: sandbox.url, credential, partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions });
  return new ReadinessService({
    model, ...gateways, ...(model === 'delegated' ? { gdap } : {}), securityGroupIds, appId: sandbox.partnerApp.clientId, authorityHost: sandbox.authorityHost, clock,
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => sandbox.stop());

describe('readiness, delegated model (the partner service account, GDAP)', () => {
  it('when Contoso has only GDAP (allowDelegatedAccess false) with Directory Readers for Azure Managers and AOBO Owner, then it is ready', async () => {
    const readiness = readinessFor('delegated', [AZURE_MANAGERS]);
    expect(await readiness.check(CONTOSO)).toEqual({ ready: true });
    expect(await readiness.check(FABRIKAM)).toEqual({ ready: true });
  });

  it('when Contoso Pharma has legacy DAP and no GDAP, then it is ready (DAP still counts)', async () => {
    expect(await readinessFor('delegated').check(PHARMA)).toEqual({ ready: true });
  });

  it('when Tailspin\'s GDAP gives Azure Managers only Exchange Administrator, then Directory Readers and the group are what is missing', async () => {
    const answer = await readinessFor('delegated', [AZURE_MANAGERS]).check(TAILSPIN);
    expect(answer).toEqual({ ready: false, gap: { kind: 'no_directory_role', role: 'Directory Readers', groups: [expect.objectContaining({ id: AZURE_MANAGERS })], inRelationship: false } });
  });

  it('when Wingtip removed the Admin Agents\' Owner, then the missing piece is Azure rights, naming the group that must be under Admin Agents', async () => {
    const answer = await readinessFor('delegated', [AZURE_MANAGERS]).check(WINGTIP);
    expect(answer).toEqual({ ready: false, gap: expect.objectContaining({ kind: 'no_azure_rights', model: 'delegated', groups: [expect.objectContaining({ id: AZURE_MANAGERS })] }) });
    // The directory alone (no subscription asked about) is readable there.
    expect(await readinessFor('delegated', [AZURE_MANAGERS]).check({ tenantId: WINGTIP.tenantId })).toEqual({ ready: true });
  });

  it('when Northwind (a reseller customer) has no GDAP relationship, then the answer is the invitation, a GDAP one', async () => {
    expect(await readinessFor('delegated').check(NORTHWIND)).toEqual({ ready: false, gap: { kind: 'no_relationship', reseller: true } });
  });

  it('when a customer is ready, then the yes is remembered for a few minutes and asked again after', async () => {
    const readiness = readinessFor('delegated', [AZURE_MANAGERS]);
    await readiness.check(CONTOSO);
    const calls = sandbox.requests.length;
    await readiness.check(CONTOSO);
    expect(sandbox.requests.length).toBe(calls);
    now += 6 * 60_000;
    await readiness.check(CONTOSO);
    expect(sandbox.requests.length).toBeGreaterThan(calls);
  });

  it('when a customer is not ready, then the no is not remembered: it is asked again next time', async () => {
    const readiness = readinessFor('delegated');
    await readiness.check(NORTHWIND);
    const calls = sandbox.requests.length;
    await readiness.check(NORTHWIND);
    expect(sandbox.requests.length).toBeGreaterThan(calls);
  });

  it('when a Partner Center subscription is not active, then that is the answer, without asking Microsoft', async () => {
    const calls = sandbox.requests.length;
    const answer = await readinessFor('delegated').check({ tenantId: CONTOSO.tenantId, subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), status: 'suspended' } });
    expect(answer).toEqual({ ready: false, gap: { kind: 'subscription_unavailable', status: 'suspended' } });
    expect(sandbox.requests.length).toBe(calls);
  });
});

describe('readiness, app model (client credentials in each customer tenant)', () => {
  it('when the app is consented in Contoso and its service principal is RBAC Administrator on Contoso Production, then Production is ready and Dev lacks Azure rights', async () => {
    const readiness = readinessFor('app');
    expect(await readiness.check(CONTOSO)).toEqual({ ready: true });
    expect(await readiness.check(CONTOSO_DEV)).toEqual({ ready: false, gap: { kind: 'no_azure_rights', model: 'app', groups: [], appId: sandbox.partnerApp.clientId } });
  });

  it('when Contoso Pharma never gave the app User.Read.All, then the answer is the admin-consent link of that tenant', async () => {
    const answer = await readinessFor('app').check(PHARMA);
    expect(answer).toEqual({ ready: false, gap: { kind: 'not_consented', model: 'app', consentUrl: `${sandbox.authorityHost}/${PHARMA.tenantId}/adminconsent?client_id=${sandbox.partnerApp.clientId}` } });
  });

  it('when the app has no service principal in Northwind (AADSTS700016), then that is a consent to give, not an outage', async () => {
    const answer = await readinessFor('app').check(NORTHWIND);
    expect(answer).toMatchObject({ ready: false, gap: { kind: 'not_consented' } });
  });
});
