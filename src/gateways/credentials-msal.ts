// MSAL configuration shared by the delegated credential and `npm run consent`: authority, app proof, network, and the refresh-token watch.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Configuration, ICachePlugin, INetworkModule, NodeAuthOptions, TokenCacheContext } from '@azure/msal-node';
import { z } from 'zod';
import { managedIdentityAssertion, type AzureAppSecret } from './credentials';
import { DEFAULT_AUTHORITY_HOST, entraNetworkClient, knownAuthoritiesFor } from './credentials-network';

export interface MsalAppOptions {
  /** The partner's multi-tenant app. */
  readonly clientId: string;
  /** The tenant of the app's default authority (the partner's). */
  readonly tenantId: string;
  readonly authorityHost?: string;
  readonly tlsCa?: string;
  readonly cachePlugin?: ICachePlugin;
  /** Replaces the network client built on `tlsCa` (the consent command watches Entra's answers through it). */
  readonly networkClient?: INetworkModule;
}

export function authorityFor(authorityHost: string | undefined, tenantId: string): string {
  return `${(authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '')}/${tenantId}`;
}

/** A PEM file with the certificate and its private key → what MSAL signs client assertions with (SHA-256 thumbprint, x5t#S256). */
export function certificateProof(certificatePath: string, password: string | undefined): NonNullable<NodeAuthOptions['clientCertificate']> {
  const pem = readFileSync(certificatePath, 'utf8');
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (certificate === undefined) throw new Error(`${certificatePath} holds no certificate (a PEM file with the certificate and its private key)`);
  const thumbprintSha256 = new X509Certificate(certificate).fingerprint256.replace(/:/g, '').toLowerCase();
  const privateKey = createPrivateKey({ key: pem, ...(password ? { passphrase: password } : {}) }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { thumbprintSha256, privateKey };
}

/** How the confidential client proves itself to Entra: the same three ways as the app model's credential. */
export function appProof(secret: AzureAppSecret, authorityHost: string | undefined): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate' | 'clientAssertion'> {
  switch (secret.kind) {
    case 'secret':
      return { clientSecret: secret.clientSecret };
    case 'certificate':
      return { clientCertificate: certificateProof(secret.certificatePath, secret.certificatePassword) };
    case 'managedIdentity': {
      const assertion = managedIdentityAssertion(secret, authorityHost);
      return { clientAssertion: () => assertion() };
    }
  }
}

/** MSAL configuration: the partner tenant's authority; a host that is not Microsoft's trusted as configured; the extra CA trusted. */
export function msalConfiguration(options: MsalAppOptions, proof: Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate' | 'clientAssertion'> = {}): Configuration {
  return {
    auth: {
      clientId: options.clientId,
      authority: authorityFor(options.authorityHost, options.tenantId),
      knownAuthorities: knownAuthoritiesFor(options.authorityHost),
      ...proof,
    },
    system: { networkClient: options.networkClient ?? entraNetworkClient(options.tlsCa) },
    ...(options.cachePlugin ? { cache: { cachePlugin: options.cachePlugin } } : {}),
  };
}

const serializedCache = z.object({ RefreshToken: z.record(z.object({ secret: z.string() }).passthrough()).optional() }).passthrough();

/**
 * Watches MSAL's in-memory token cache for the refresh token Entra just returned: MSAL's results never carry it
 * (msal-node FAQ "How do I get the refresh token"), its cache does. After each write the plugin compares the cache's
 * refresh-token entries with what it saw before; the entry that changed holds the newest token.
 */
export class RefreshTokenWatch implements ICachePlugin {
  private readonly seen = new Map<string, string>();
  private latest: string | undefined;

  /** The refresh token Entra returned last (undefined before any). */
  get newest(): string | undefined {
    return this.latest;
  }

  async beforeCacheAccess(): Promise<void> {
    // The cache lives in memory only: nothing to load.
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    const parsed = serializedCache.safeParse(JSON.parse(context.tokenCache.serialize()));
    if (!parsed.success) return;
    for (const [key, entry] of Object.entries(parsed.data.RefreshToken ?? {})) {
      if (this.seen.get(key) === entry.secret) continue;
      this.seen.set(key, entry.secret);
      this.latest = entry.secret;
    }
  }
}
