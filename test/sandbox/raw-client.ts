// A bare HTTPS client for driving the sandbox directly in tests (trusting its certificate, with tokens from its Entra).
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { RunningSandbox } from '../../src/sandbox';
import { appToken, userToken } from '../support/sandbox-tokens';

export const ARM = 'https://management.azure.com/.default';
export const GRAPH = 'https://graph.microsoft.com/.default';
export const PARTNER_CENTER = 'https://api.partnercenter.microsoft.com/.default';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export const PARTNER_TENANT = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
/** The SAM integration account (Litware Azure Managers, under Admin Agents). */
export const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';

/** Runs `issue` while the SAM app's consent in `tenantId` is narrowed to `scopes` (when given), then restores it. */
async function withConsentedScopes<T>(sandbox: RunningSandbox, tenantId: string, scopes: readonly string[] | undefined, issue: () => Promise<T>): Promise<T> {
  const sp = scopes ? sandbox.state.servicePrincipal(sandbox.partnerApp.clientId, tenantId) : undefined;
  if (!sp || !scopes) return issue();
  const granted = sp.delegatedScopes;
  sp.delegatedScopes = [...scopes];
  try {
    return await issue();
  } finally {
    sp.delegatedScopes = granted;
  }
}

export interface RawOptions {
  /** null = no Authorization header; a string = that bearer value; default = a token for `scope`/`tenantId`/`as`. */
  token?: string | null;
  scope?: string;
  /** The tenant the default token is issued in; default the partner's. */
  tenantId?: string;
  /**
   * Whose default token: the SAM service account (default, or 'user'), another user (App+User), or the SAM app itself.
   * `scopes`: the delegated permissions the app is consented for in that tenant while the token is issued (an admin
   * who consented to less): the token then carries exactly those, as Entra's would.
   */
  as?: { userId: string; scopes?: string[] } | 'app' | 'user';
  headers?: Record<string, string>;
  body?: unknown;
}

export async function rawCall(sandbox: RunningSandbox, method: string, pathAndQuery: string, options: RawOptions = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token === undefined) {
    const wanted = { resource: (options.scope ?? ARM).replace(/\/\.default$/, ''), tenantId: options.tenantId ?? PARTNER_TENANT };
    const who = options.as === undefined || options.as === 'user' ? { userId: SERVICE_ACCOUNT } : options.as;
    headers.authorization = `Bearer ${who === 'app' ? await appToken(sandbox, wanted) : await withConsentedScopes(sandbox, wanted.tenantId, who.scopes, () => userToken(sandbox, { ...wanted, userId: who.userId }))}`;
  } else if (options.token !== null) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const url = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: url.hostname, port: url.port, method, path: pathAndQuery, headers, ca: sandbox.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
