// The signing keys of inbound channel tokens (OpenID metadata, then its JWKS): one fetch at a time, ended at a deadline.
import { createPublicKey } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';

/** What botbuilder's token check reads from a key: its PEM and the channels it is endorsed for. */
export interface SigningKey {
  readonly key: string;
  readonly endorsements?: string[];
}

interface Jwk {
  readonly kid?: unknown;
  readonly n?: unknown;
  readonly e?: unknown;
  readonly endorsements?: unknown;
}

/** The keys could not be loaded (in time, or at all): 500 as botbuilder's own "Failed to load openID config", answered 503. */
export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';
  readonly statusCode = 500;
}

const HOUR_MS = 3_600_000;

/**
 * botbuilder's OpenIdMetadata, with its rules (re-read daily, and on an unknown key id at most hourly), but its fetch
 * cannot be stopped: each activity given up at the authentication deadline left its own connection open on a stalled
 * endpoint, one more per retry. Here every activity waiting for the keys shares one read, and that read is aborted
 * (its connections closed) at `deadlineMs`; the next activity after it starts a new one.
 */
export class SigningKeys {
  private keys = new Map<string, SigningKey>();
  private lastUpdated = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly refreshHours: number,
    private readonly deadlineMs: number,
  ) {}

  async getKey(keyId: string): Promise<SigningKey | null> {
    const now = Date.now();
    if (this.lastUpdated < now - this.refreshHours * HOUR_MS) {
      await this.refresh();
    } else if (!this.keys.get(keyId) && this.lastUpdated < now - HOUR_MS) {
      await this.refresh();
    }
    return this.keys.get(keyId) ?? null;
  }

  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const signal = AbortSignal.timeout(this.deadlineMs);
    try {
      const metadata = (await this.json(this.url, signal)) as { jwks_uri?: unknown };
      if (typeof metadata.jwks_uri !== 'string') throw new SigningKeysUnavailableError('OpenID metadata without jwks_uri');
      const { keys } = (await this.json(metadata.jwks_uri, signal)) as { keys?: unknown };
      if (!Array.isArray(keys)) throw new SigningKeysUnavailableError('JWKS without keys');
      this.keys = new Map((keys as Jwk[]).flatMap((jwk) => {
        const key = typeof jwk.kid === 'string' ? pemOf(jwk) : undefined;
        return key && typeof jwk.kid === 'string' ? [[jwk.kid, key] as const] : [];
      }));
      this.lastUpdated = Date.now();
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) throw error;
      const late = signal.aborted;
      throw new SigningKeysUnavailableError(late ? `signing keys not loaded within ${this.deadlineMs} ms` : `signing keys not loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async json(url: string, signal: AbortSignal): Promise<unknown> {
    const { status, body } = await getWithin(url, signal);
    if (status < 200 || status > 299) throw new SigningKeysUnavailableError(`${url === this.url ? 'OpenID metadata' : 'signing keys'}: HTTP ${status}`);
    return JSON.parse(body) as unknown;
  }
}

/** Metadata and key sets are a few kilobytes; more is not an answer to read. */
const MAX_BODY_BYTES = 1_000_000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/**
 * GET through node's http(s) agent, as botbuilder's node-fetch does (same proxies and CAs of the process). node's
 * request closes its connection when `signal` aborts; fetch (undici) left it open for seconds more.
 */
function getWithin(url: string, signal: AbortSignal, hops = 0): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsGet : httpGet)(url, { signal }, (response) => {
      // node-fetch (botbuilder's reader) follows redirects: a moved metadata document must not stop every sign-in.
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode ?? 0) && location && hops < MAX_REDIRECTS) {
        response.resume();
        getWithin(new URL(location, url).toString(), signal, hops + 1).then(resolve, reject);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** An RSA key as PEM; none for any other kind, as botbuilder (a token signed with it is refused). */
function pemOf(jwk: Jwk): SigningKey | undefined {
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return undefined;
  try {
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.filter((e): e is string => typeof e === 'string') : undefined;
    return { key, ...(endorsements ? { endorsements } : {}) };
  } catch {
    return undefined;
  }
}

/** botbuilder's one place that picks a metadata reader per URL (a private static, stable in 4.x: the version is pinned). */
interface MetadataRegistry {
  getOrAddOpenIdMetadata(url: string, proxySettings?: unknown, tokenRefreshInterval?: number): unknown;
}

let installed = false;

/**
 * Makes every token check botbuilder runs (channel, emulator, skill) read its keys through SigningKeys. A proxy setting
 * (which this bot does not give) keeps botbuilder's own reader, which knows how to use it. Once per process: the keys
 * are per URL for the process, as botbuilder keeps them.
 */
export function installSigningKeys(deadlineMs: number): void {
  if (installed) return;
  installed = true;
  const registry = JwtTokenExtractor as unknown as MetadataRegistry;
  const original = registry.getOrAddOpenIdMetadata.bind(registry);
  const readers = new Map<string, SigningKeys>();
  registry.getOrAddOpenIdMetadata = (url, proxySettings, tokenRefreshInterval) => {
    if (proxySettings) return original(url, proxySettings, tokenRefreshInterval);
    let reader = readers.get(url);
    if (!reader) {
      reader = new SigningKeys(url, tokenRefreshInterval ?? 24, deadlineMs);
      readers.set(url, reader);
    }
    return reader;
  };
}
