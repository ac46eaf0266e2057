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

  it("when Pharma's admin grants the app its permission after a token was issued, then once that token is a minute old the renewed tenant's next token carries it and Contoso's stays cached", async () => {
    // Arrange: the app's service principal exists in Pharma without any app role (the seed); both tenants hold a token
    let at = 1_000_000;
    const credential = appCredential(() => at);
    expect(await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH))).toBeUndefined();
    await forTenant(credential, CONTOSO).getToken(GRAPH);
    sandbox.state.servicePrincipal(sandbox.partnerApp.clientId, PHARMA)?.appRoles.push('User.Read.All');

    // Act: the cached token is given again, and a token just issued is not renewed; a minute later it is
    const cached = await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH));
    const tooSoon = credential.renewTokens(PHARMA);
    at += TOKEN_RENEWAL_INTERVAL_IN_MS;
    const renewed = credential.renewTokens(PHARMA);
    const fresh = await rolesIn(forTenant(credential, PHARMA).getToken(GRAPH));
    await forTenant(credential, CONTOSO).getToken(GRAPH);

    // Assert: Entra was asked once more for Pharma, never again for Contoso
    expect([cached, tooSoon, renewed, fresh]).toEqual([undefined, false, true, ['User.Read.All']]);
    expect([tokenRequests(PHARMA), tokenRequests(CONTOSO)]).toEqual([2, 1]);
  });

  it('when a tenant is refused again and again, then its tokens are renewed at most once a minute, not at every refusal', async () => {
    // Arrange: a tenant that never consents holds a token
    let at = 1_000_000;
    const credential = appCredential(() => at);
    await forTenant(credential, PHARMA).getToken(GRAPH);

    // Act: ten refused checks within the minute, each asking for a token and for a renewal; then one a minute on
    const answers: boolean[] = [];
    for (let check = 0; check < 10; check += 1) {
      at += 5_000;
      await forTenant(credential, PHARMA).getToken(GRAPH);
      answers.push(credential.renewTokens(PHARMA));
    }
    const withinTheMinute = tokenRequests(PHARMA);
    at = 1_000_000 + TOKEN_RENEWAL_INTERVAL_IN_MS;
    const aMinuteOn = credential.renewTokens(PHARMA);
    await forTenant(credential, PHARMA).getToken(GRAPH);
    const rightAfter = credential.renewTokens(PHARMA);

    // Assert: no new token within the minute; one renewal after it, and the new token is not renewed at once
    expect([answers.some((a) => a), withinTheMinute]).toEqual([false, 1]);
    expect([aMinuteOn, rightAfter, tokenRequests(PHARMA)]).toEqual([true, false, 2]);
  });
});
