// A bare HTTPS client for driving the sandbox directly in tests (trusting its certificate, with tokens as Entra issues them).
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { RunningSandbox } from '../../src/sandbox';
import { appToken, userToken, type Resource } from '../support/claims-token';

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

export interface RawOptions {
  /** null = no Authorization header; a string = that bearer value; default = a token for `scope`/`tenantId`/`as`. */
  token?: string | null;
  scope?: string;
  /** The tenant the default token is issued in; default the partner's. */
  tenantId?: string;
  /** Whose default token: the SAM service account (default), another user (App+User), or the SAM app itself. */
  as?: { userId: string; mfa?: boolean; scopes?: string[] } | 'app';
  headers?: Record<string, string>;
  body?: unknown;
}

export async function rawCall(sandbox: RunningSandbox, method: string, pathAndQuery: string, options: RawOptions = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token === undefined) {
    const resource: Resource = (options.scope ?? ARM) === GRAPH ? 'graph' : options.scope === PARTNER_CENTER ? 'partnerCenter' : 'arm';
    const tenantId = options.tenantId ?? PARTNER_TENANT;
    const who = options.as ?? { userId: SERVICE_ACCOUNT };
    const token = who === 'app'
      ? appToken(sandbox.state, { tenantId, resource })
      : userToken(sandbox.state, { tenantId, resource, userId: who.userId, ...(who.mfa === undefined ? {} : { mfa: who.mfa }), ...(who.scopes ? { scopes: who.scopes } : {}) });
    headers.authorization = `Bearer ${token}`;
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
