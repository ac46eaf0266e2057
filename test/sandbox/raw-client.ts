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

export interface RawOptions {
  /** null = no Authorization header; a string = that bearer value; default = a token from the sandbox's Entra for `scope`/`tenantId`. */
  token?: string | null;
  /** Who the default token is for: the SAM service account (App+User, the default) or the partner app alone. */
  as?: 'user' | 'app';
  scope?: string;
  tenantId?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export async function rawCall(sandbox: RunningSandbox, method: string, pathAndQuery: string, options: RawOptions = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token === undefined) {
    const wanted = { resource: (options.scope ?? ARM).replace(/\/\.default$/, ''), ...(options.tenantId ? { tenantId: options.tenantId } : {}) };
    headers.authorization = `Bearer ${options.as === 'app' ? await appToken(sandbox, wanted) : await userToken(sandbox, wanted)}`;
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
