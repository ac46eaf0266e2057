// A loopback stand-in for Azure Key Vault's secrets REST API (challenge-based auth, GET/PUT /secrets/{name}, its error
// bodies), for the real @azure/keyvault-secrets client; and the vault identity's credential it accepts.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { generate } from 'selfsigned';

/** The tenant the vault's challenge names, and the only bearer it accepts. */
export const VAULT_TENANT = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const VAULT_TOKEN = 'vault-access-token';

export interface VaultCall {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** Key Vault's secrets API as the SDK meets it: challenge-based auth, GET and PUT /secrets/{name}, its error bodies. */
export async function startVaultStandIn(options: { refuseWrites?: boolean } = {}) {
  const pems = await generate([{ name: 'commonName', value: 'Key Vault stand-in' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const secrets = new Map<string, { value: string; version: string; contentType?: string; tags?: unknown }>();
  const calls: VaultCall[] = [];
  let vaultUrl = '';
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', vaultUrl);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method ?? '', path: url.pathname, apiVersion: url.searchParams.get('api-version'), authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${VAULT_TOKEN}`) {
        send(401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${VAULT_TENANT}", resource="https://vault.azure.net"`,
        });
        return;
      }
      const name = /^\/secrets\/([0-9a-zA-Z-]+)\/?$/.exec(url.pathname)?.[1];
      if (name === undefined) return send(400, { error: { code: 'BadParameter', message: 'Unknown path.' } });
      const bundle = (s: { value: string; version: string; contentType?: string; tags?: unknown }) => ({
        value: s.value, id: `${vaultUrl}/secrets/${name}/${s.version}`, ...(s.contentType ? { contentType: s.contentType } : {}), ...(s.tags ? { tags: s.tags } : {}),
        attributes: { enabled: true, created: 1764600000, updated: 1764600000, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 },
      });
      if (req.method === 'GET') {
        const secret = secrets.get(name);
        if (!secret) return send(404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182` } });
        return send(200, bundle(secret));
      }
      if (req.method === 'PUT') {
        if (options.refuseWrites) return send(403, { error: { code: 'Forbidden', message: 'The user, group or application does not have secrets set permission on key vault.', innererror: { code: 'ForbiddenByRbac' } } });
        const put = body as { value: string; contentType?: string; tags?: unknown };
        const secret = { value: put.value, version: String(calls.length).padStart(32, '0'), ...(put.contentType ? { contentType: put.contentType } : {}), ...(put.tags ? { tags: put.tags } : {}) };
        secrets.set(name, secret);
        return send(200, bundle(secret));
      }
      return send(405, { error: { code: 'BadParameter', message: 'Method not allowed.' } });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  vaultUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: vaultUrl, ca: pems.cert, calls, secrets,
    stop: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
  };
}

/** The vault's own credential (a managed identity in Azure): what it was asked for, and the token the stand-in accepts. */
export function vaultIdentity(): TokenCredential & { asked: { scopes: string[]; tenantId?: string }[] } {
  const asked: { scopes: string[]; tenantId?: string }[] = [];
  return {
    asked,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      asked.push({ scopes: Array.isArray(scopes) ? scopes : [scopes], ...(options?.tenantId ? { tenantId: options.tenantId } : {}) });
      return { token: VAULT_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
