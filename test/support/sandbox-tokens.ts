// Signed tokens from the sandbox's own Entra for tests: app-only or App+User, for a tenant and a resource, through
// the real token endpoint (raw HTTPS, trusting the sandbox's certificate), and TokenCredentials built on them.
import https from 'node:https';
import { ClientSecretCredential, type AccessToken, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { RunningSandbox } from '../../src/sandbox';

export const ARM_RESOURCE = 'https://management.azure.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';

export interface TokenEndpointAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** POSTs a form to `{authority}/{tenant}/oauth2/v2.0/{endpoint}` and returns Entra's JSON answer as is. */
export function postToEntra(sandbox: RunningSandbox, tenant: string, form: Record<string, string>, endpoint: 'token' | 'devicecode' = 'token'): Promise<TokenEndpointAnswer> {
  const url = new URL(`${sandbox.authorityHost}/${encodeURIComponent(tenant)}/oauth2/v2.0/${endpoint}`);
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST', ca: sandbox.caCertPem, agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(payload)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve({ status: res.statusCode ?? 0, body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function accessTokenOf(answer: TokenEndpointAnswer): string {
  const token = answer.body.access_token;
  if (answer.status !== 200 || typeof token !== 'string') throw new Error(`The sandbox's Entra refused: ${answer.status} ${String(answer.body.error_description ?? answer.body.error)}`);
  return token;
}

export interface TokenWanted {
  /** Tenant id or domain of the authority; default the partner tenant. */
  readonly tenantId?: string;
  /** Resource URI; default ARM. */
  readonly resource?: string;
}

/** An app-only token (client credentials with the partner app's secret). */
export async function appToken(sandbox: RunningSandbox, wanted: TokenWanted = {}): Promise<string> {
  return accessTokenOf(await postToEntra(sandbox, wanted.tenantId ?? sandbox.state.partner.tenantId, {
    grant_type: 'client_credentials', client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret,
    scope: `${wanted.resource ?? ARM_RESOURCE}/.default`,
  }));
}

/** An App+User token: a consent refresh token of `userId` (default the SAM service account) redeemed at the tenant's authority. */
export async function userToken(sandbox: RunningSandbox, wanted: TokenWanted & { readonly userId?: string } = {}): Promise<string> {
  const refreshToken = sandbox.issueRefreshToken(wanted.userId ? { userId: wanted.userId } : undefined);
  return accessTokenOf(await postToEntra(sandbox, wanted.tenantId ?? sandbox.state.partner.tenantId, {
    grant_type: 'refresh_token', client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret,
    refresh_token: refreshToken, scope: `${wanted.resource ?? ARM_RESOURCE}/.default offline_access`,
  }));
}

/** The claims of a JWT (unverified: tests read what the sandbox issued). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const resourceOf = (scopes: string | string[]): string => (Array.isArray(scopes) ? (scopes[0] ?? '') : scopes).replace(/\/\.default$/, '');

/**
 * The partner app's real @azure/identity credential against the sandbox (app-only tokens): `authorityHost` = the
 * sandbox, no instance discovery, any tenant, and the sandbox's CA through the pipeline's `tlsOptions`.
 */
export function sandboxAppCredential(sandbox: RunningSandbox): TokenCredential {
  return new ClientSecretCredential(sandbox.state.partner.tenantId, sandbox.partnerApp.clientId, sandbox.partnerApp.clientSecret, {
    authorityHost: sandbox.authorityHost, disableInstanceDiscovery: true, additionallyAllowedTenants: ['*'], tlsOptions: { ca: sandbox.caCertPem },
  });
}

/**
 * App+User tokens of a partner user (default the SAM service account), as the Secure Application Model gets them:
 * one refresh token redeemed at each tenant's authority (the getToken `tenantId`, else the partner tenant), keeping
 * the newest refresh token each time.
 */
export function sandboxUserCredential(sandbox: RunningSandbox, options: { readonly userId?: string } = {}): TokenCredential {
  let refreshToken = sandbox.issueRefreshToken(options.userId ? { userId: options.userId } : undefined);
  return {
    async getToken(scopes: string | string[], tokenOptions?: GetTokenOptions): Promise<AccessToken> {
      const answer = await postToEntra(sandbox, tokenOptions?.tenantId ?? sandbox.state.partner.tenantId, {
        grant_type: 'refresh_token', client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret,
        refresh_token: refreshToken, scope: `${resourceOf(scopes)}/.default offline_access`,
      });
      const token = accessTokenOf(answer);
      if (typeof answer.body.refresh_token === 'string') refreshToken = answer.body.refresh_token;
      const expiresIn = typeof answer.body.expires_in === 'number' ? answer.body.expires_in : 3599;
      return { token, expiresOnTimestamp: Date.now() + expiresIn * 1000, tokenType: 'Bearer' };
    },
  };
}

/**
 * MSAL (node) trusts the sandbox's certificate through its own network client: MSAL 5 calls the global `fetch`,
 * which takes no CA per call, so tests give `system.networkClient` this node:https client with `ca`. (A process
 * started with NODE_EXTRA_CA_CERTS=<sandbox cert> needs nothing: fetch uses Node's CA store, which includes it.)
 */
export function sandboxNetworkClient(caCertPem: string): INetworkModule {
  const send = <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const body = options?.body;
      const req = https.request(
        { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, ca: caCertPem, agent: false,
          headers: { ...options?.headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
            try {
              resolve({ status: res.statusCode ?? 0, headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}

/**
 * MSAL's settings for the sandbox as an authority: the authority URL, `knownAuthorities` = its host:port (so MSAL
 * skips instance discovery at login.microsoftonline.com and reads the sandbox's own OpenID metadata), and the
 * network client above.
 */
export function msalSandboxOptions(sandbox: RunningSandbox, tenant: string): { auth: { authority: string; knownAuthorities: string[] }; system: { networkClient: INetworkModule } } {
  return {
    auth: { authority: `${sandbox.authorityHost}/${tenant}`, knownAuthorities: [new URL(sandbox.authorityHost).host] },
    system: { networkClient: sandboxNetworkClient(sandbox.caCertPem) },
  };
}
