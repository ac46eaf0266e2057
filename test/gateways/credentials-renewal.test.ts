// ACCESS_MODEL=app: a tenant's app tokens renewed after a refusal, so that a consent given since shows in the next token;
// other tenants keep theirs, and renewals are bounded (a customer that never consents costs a token a minute at most).
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { createAzureCredential, forTenant, TOKEN_RENEWAL_INTERVAL_IN_MS } from '../../src/gateways/credentials';
import { claimsOf } from '../support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const PHARMA = 'c0000002-0000-4000-8000-000000000002';
const GRAPH = 'https://graph.microsoft.com/.default';

describe("a tenant's app tokens, renewed after a refusal", () => {
  let sandbox: RunningSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterEach(async () => sandbox.stop());

  /** Token requests Entra received for a tenant (discovery and key reads are not tokens). */
  const tokenRequests = (tenant: string): number =>
    sandbox.entraRequests.filter((r) => r.method === 'POST' && r.path === `/${tenant}/oauth2/v2.0/token`).length;
  const appCredential = (now: () => number) => createAzureCredential(
    { tenantId: PARTNER, clientId: sandbox.partnerApp.clientId, secret: { kind: 'secret', clientSecret: sandbox.partnerApp.clientSecret }, authorityHost: sandbox.authorityHost, tlsCa: sandbox.caCertPem },
    { now },
  );
  const rolesIn = async (token: Promise<{ token: string } | null>): Promise<unknown> => claimsOf((await token)?.token ?? '').roles;

  it("when Pharma's admin grants the app its permission after a token was issued, then the renewed tenant's next token carries it and Contoso's stays cached", async () => {
    // Arrange: the app's service principal exists in Pharma without any app role (the seed); both tenants hold a token
    let at = 1_000_000;
    const credential = appCredential(() => at);
    expect(await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH))).toBeUndefined();
    await forTenant(credential, CONTOSO).getToken(GRAPH);
    const principal = sandbox.state.servicePrincipal(sandbox.partnerApp.clientId, PHARMA);
    principal?.appRoles.push('User.Read.All');

    // Act: without renewal the cached token is given again; then Pharma's tokens are renewed
    const cached = await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH));
    const renewed = credential.renewTokens(PHARMA);
    at += 1_000;
    const fresh = await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH));
    await forTenant(credential, CONTOSO).getToken(GRAPH);

    // Assert: Entra was asked once more for Pharma, never again for Contoso
    expect([cached, renewed, fresh]).toEqual([undefined, true, ['User.Read.All']]);
    expect([tokenRequests(PHARMA), tokenRequests(CONTOSO)]).toEqual([2, 1]);
  });

  it('when a tenant is refused again and again, then its tokens are renewed at most once per interval, not at every refusal', async () => {
    // Arrange: a tenant that never consents; a token, then a renewal (its first refusal)
    let at = 1_000_000;
    const credential = appCredential(() => at);
    await forTenant(credential, PHARMA).getToken(GRAPH);
    expect(credential.renewTokens(PHARMA)).toBe(true);

    // Act: ten more refused checks within the interval, each asking for a token and for a renewal
    const answers: boolean[] = [];
    for (let check = 0; check < 10; check += 1) {
      await forTenant(credential, PHARMA).getToken(GRAPH);
      answers.push(credential.renewTokens(PHARMA));
      at += 5_000;
    }
    const afterTen = tokenRequests(PHARMA);
    at = 1_000_000 + TOKEN_RENEWAL_INTERVAL_IN_MS;
    const onceMore = credential.renewTokens(PHARMA);
    await forTenant(credential, PHARMA).getToken(GRAPH);

    // Assert: one new token for the ten checks; once the interval has passed, one renewal more
    expect(answers.every((a) => !a)).toBe(true);
    expect(afterTen).toBe(2);
    expect([onceMore, tokenRequests(PHARMA)]).toEqual([true, 3]);
  });
});
