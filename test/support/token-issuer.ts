// A local stand-in for Bot Framework's channel-token signer (Teams → bot): an RSA key published through OpenID metadata
// on loopback http, which the contract allows for BOT_OPENID_METADATA_URL. It stays with the test, not the sandbox:
// Bot Framework's signer is not Entra (its own metadata, issuer https://api.botframework.com, keys endorsed per channel)
// and the test plays Teams, so the test holds Teams' key.
import { createSign, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rsaKeyPair } from './rsa-keys';

/** The bot's app id in tests: the sandbox seed's Bot Framework app, whose tokens the sandbox's Entra issues. */
export const TEST_BOT_ID = '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6eb075';
export const TEST_ISSUER = 'https://api.botframework.com';

export interface TokenIssuer {
  /** The BOT_OPENID_METADATA_URL to give the bot. */
  readonly metadataUrl: string;
  /** A channel token as Bot Framework signs it for Teams; `claims` override or add to the defaults. */
  sign(serviceUrl: string, claims?: Record<string, unknown>, options?: { readonly key?: KeyObject; readonly kid?: string }): string;
  /** A key the metadata does not publish (a forger's). */
  readonly strangerKey: KeyObject;
  /** How many times the bot fetched the metadata or the keys. */
  readonly fetches: number;
  stop(): Promise<void>;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export interface TokenIssuerOptions {
  /** Channels the signing key is endorsed for (Bot Framework's `endorsements`); default msteams. */
  readonly endorsements?: readonly string[];
  /** The bot the tokens are for (`aud`); default TEST_BOT_ID. */
  readonly audience?: string;
}

export async function startTokenIssuer(options: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const { privateKey, jwk } = rsaKeyPair();
  const stranger = rsaKeyPair();
  const kid = `test-key-${randomUUID()}`;
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    const address = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${address.port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: TEST_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: options.endorsements ?? ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    strangerKey: stranger.privateKey,
    get fetches() {
      return fetches;
    },
    sign(serviceUrl, claims = {}, signOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', typ: 'JWT', kid: signOptions.kid ?? kid };
      const payload = { iss: TEST_ISSUER, aud: options.audience ?? TEST_BOT_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
      const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
      const signature = createSign('RSA-SHA256').update(unsigned).sign(signOptions.key ?? privateKey);
      return `${unsigned}.${b64url(signature)}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
