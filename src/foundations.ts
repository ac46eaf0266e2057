// What the composition root opens before the use cases: the store (SQLite or Table Storage) and the partner app's credential.
import type { AppConfig } from './config';
import type { AzureCredentialOptions } from './gateways/credentials';
import type { DelegatedCredential } from './gateways/credentials-delegated';
import { createPartnerCredential, type PartnerCredential } from './gateways/credentials-setup';
import type { Logger } from './logger';
import type { RunningSandbox } from './sandbox';
import type { Clock } from './services/clock';
import { loadTableStore } from './store/load-table-store';
import type { Store } from './store/ports';
import { openSqliteStore } from './store/sqlite-store';

/** STORE: the SQLite file, or Azure Table Storage (its SDK loaded only then, with the app's managed identity if it has one). */
export async function openStore(config: AppConfig, logger?: Logger): Promise<Store> {
  if (config.store.kind === 'sqlite') return openSqliteStore(config.store.path);
  const { openTableStore } = loadTableStore();
  const managedIdentityClientId = managedIdentityOf(config);
  // A re-index that goes on after the open (a large table: table-upgrade.ts) and fails is tried again; staff see why.
  const layoutOptions = { onError: (error: unknown) => logger?.warn({ err: describeError(error) }, 'table store: the re-index failed; it is tried again') };
  const store = await openTableStore('connectionString' in config.store
    ? { connectionString: config.store.connectionString, layout: layoutOptions }
    : { endpoint: config.store.endpoint, ...(managedIdentityClientId ? { managedIdentityClientId } : {}), layout: layoutOptions });
  // A table written by an earlier version was brought to today's index layout on opening: operations staff see it.
  const said = (layout: typeof store.layout) => logger?.info({ requests: layout.requests, pendingMessages: layout.pendingMessages, ms: layout.ms }, layout.line);
  const { layout } = store;
  if (layout.outcome === 'reindexed' || layout.outcome === 'waited') said(layout);
  if (layout.outcome === 'upgrading') {
    // Listings and sweeps are refused until it ends (turns answer "try again in a few minutes"): say when it does.
    logger?.warn({ ms: layout.ms }, layout.line);
    store.upgraded.then((done) => said(done), () => undefined);
  }
  return store;
}

/**
 * The host's identity for our own Azure resources (the store's table, Key Vault): named by itself, or the partner
 * app's federated one. Never the partner app's secret: that app has no role on them.
 */
function managedIdentityOf(config: AppConfig): string | undefined {
  const secret = config.azureCredential?.secret;
  return config.managedIdentityClientId ?? (secret?.kind === 'managedIdentity' ? secret.clientId : undefined);
}

const describeError = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message } : String(error));

export function missingCredential(): never {
  throw new Error('No credential for the partner\'s app: set AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate, or a managed identity)');
}

/**
 * The partner app's credential for ACCESS_MODEL. Given settings win; the built-in sandbox (when the bot started one
 * because they were missing) stands in as the authority with its seeded app, and as the issuer of the service
 * account's refresh token — what `npm run consent` would have produced.
 */
export function buildPartnerCredential(config: AppConfig, sandbox: RunningSandbox | undefined, tlsCa: string | undefined, logger: Logger, clock?: Clock): PartnerCredential | undefined {
  const given = config.azureCredential;
  let app: AzureCredentialOptions | undefined;
  let issuedRefreshToken: string | undefined;
  if (given) {
    app = { ...given, tenantId: given.tenantId || config.partnerTenantId };
  } else if (sandbox) {
    app = { tenantId: config.partnerTenantId, clientId: sandbox.partnerApp.clientId, secret: { kind: 'secret', clientSecret: sandbox.partnerApp.clientSecret }, authorityHost: sandbox.url };
    issuedRefreshToken = config.accessModel === 'delegated' ? sandbox.issueRefreshToken() : undefined;
  }
  if (!app) return undefined;
  const managedIdentityClientId = managedIdentityOf(config);
  const partner = createPartnerCredential({
    accessModel: config.accessModel,
    app: { ...app, ...(tlsCa ? { tlsCa } : {}) },
    ...(config.partnerRefreshToken ?? issuedRefreshToken ? { configuredRefreshToken: config.partnerRefreshToken ?? issuedRefreshToken } : {}),
    refreshTokens: {
      storePath: config.storePath,
      ...(config.keyVault ? { keyVault: config.keyVault } : {}),
      ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
      ...(tlsCa ? { tlsCa } : {}),
    },
    ...(clock ? { now: () => clock.now().getTime() } : {}),
    onStoreError: (error, action) => logger.error({ err: describeError(error), action }, 'refresh-token store unavailable: the bot goes on with the token it holds'),
  });
  if (partner.accessModel === 'delegated') {
    partner.credential.onSignInRequired((error) =>
      logger.warn({ reason: error.reason, aadsts: error.aadsts, store: partner.refreshTokens.location }, 'the partner service account must sign in again: run npm run consent'),
    );
    partner.credential.onSignInRestored(() => logger.info('the partner service account is signed in again; tokens flow'));
  }
  return partner;
}

/** The weekly keep-alive: a refused token is already reported by the credential's sign-in listeners. */
export async function renewRefreshToken(credential: DelegatedCredential, logger: Logger): Promise<void> {
  try {
    await credential.renew();
  } catch (error: unknown) {
    logger.warn({ err: describeError(error) }, 'refresh-token keep-alive: not renewed this time');
  }
}

