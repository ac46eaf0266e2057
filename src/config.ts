// The one place that reads the environment: a zod schema for every variable, read once, failing fast by key.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseStoreSetting, type StoreSetting } from './store/store-setting';

/** The sandbox's seeded partner (src/sandbox/seed.json): used as defaults when CLOUD=sandbox. */
export const SANDBOX_PARTNER_TENANT_ID = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
export const SANDBOX_APPROVERS = ['5a0e0001-0000-4000-8000-000000000002', '5a0e0001-0000-4000-8000-000000000003'];

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const emptyToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());
const httpsUrl = z
  .string()
  .url('must be a URL')
  .refine((value) => /^https:\/\//i.test(value), 'must start with https:// (the Azure SDK sends tokens over HTTPS only)')
  .transform((value) => value.replace(/\/+$/, ''));

/** A duration variable ("24h", "90m", "2d", "PT24H") read as milliseconds, with a default and a lower bound. */
const duration = (fallback: string, minimumInMs: number, message: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .transform((text) => parseDuration(text) ?? Number.NaN)
      .refine((ms) => ms >= minimumInMs, message),
  );

const rawSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
  HOST: optional(z.string()),
  /** App Service's id of the instance the process runs on, stable across restarts (set by App Service). */
  WEBSITE_INSTANCE_ID: optional(z.string().regex(/^[^~]+$/, 'may not hold "~"')),
  BOT_ID: optional(z.string()),
  BOT_PASSWORD: optional(z.string()),
  BOT_TENANT_ID: optional(guid),
  BOT_TYPE: z.preprocess(emptyToUndefined, z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMsi']).default('SingleTenant')),
  // Test and private-cloud settings: where inbound tokens' signing keys are published and who issues them.
  BOT_OPENID_METADATA_URL: optional(z.string().url('must be a URL')),
  BOT_TOKEN_ISSUER: optional(z.string()),
  // Where the bot gets its own Bot Connector token ({host}/{tenant}); default Microsoft's for BOT_TYPE.
  BOT_LOGIN_URL: optional(z.string().url('must be a URL').transform((value) => value.replace(/\/+$/, ''))),
  CLOUD: optional(z.enum(['sandbox', 'azure'])),
  // How the bot acts in customer tenants: delegated (Secure Application Model, App+User) or app (client credentials).
  ACCESS_MODEL: z.preprocess(emptyToUndefined, z.enum(['delegated', 'app']).default('delegated')),
  // The partner service account's refresh token (delegated model): seeds the bot, which then keeps the newest one.
  // Trimmed: a token pasted with its line break would be refused by Entra as unknown.
  PARTNER_REFRESH_TOKEN: optional(z.string().transform((value) => value.trim()).refine((value) => !/\s/.test(value), 'must be one refresh token, without spaces or line breaks inside')),
  // Azure Key Vault that keeps the newest refresh token (delegated model); empty: it is kept in STORE.
  KEY_VAULT_URL: optional(httpsUrl.refine((value) => new URL(value).pathname === '/' && !new URL(value).search, 'must be the vault\'s URL alone, like https://my-vault.vault.azure.net (no secret path)')),
  REFRESH_TOKEN_SECRET_NAME: z.preprocess(emptyToUndefined, z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, 'must be a Key Vault secret name (letters, digits, dashes)').default('partner-refresh-token')),
  // app model: Partner Center's relationship-request link, copied once from Partner Center (it serves it to App+User only).
  RELATIONSHIP_REQUEST_URL: optional(httpsUrl),
  PARTNER_TENANT_ID: optional(guid),
  APPROVERS: optional(
    z
      .string()
      .transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))
      .superRefine((ids, ctx) => {
        for (const id of ids) if (!guid.safeParse(id).success) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${id}" is not an Entra object id (GUID)` });
      }),
  ),
  ARM_ENDPOINT: optional(httpsUrl),
  GRAPH_ENDPOINT: optional(httpsUrl),
  PARTNER_CENTER_ENDPOINT: optional(httpsUrl),
  AZURE_CLIENT_ID: optional(z.string()),
  AZURE_CLIENT_SECRET: optional(z.string()),
  AZURE_TENANT_ID: optional(guid),
  AZURE_CLIENT_CERTIFICATE_PATH: optional(z.string()),
  AZURE_CLIENT_CERTIFICATE_PASSWORD: optional(z.string()),
  AZURE_USE_MANAGED_IDENTITY: z.preprocess(
    emptyToUndefined,
    z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).optional().transform((value) => value === 'true' || value === '1'),
  ),
  AZURE_MANAGED_IDENTITY_CLIENT_ID: optional(guid),
  AZURE_AUTHORITY_HOST: optional(httpsUrl),
  PRINCIPAL_REPLICATION_WINDOW: duration('10m', 0, 'must be a duration, like 10m, 30m or PT10M (0 turns the retries off)'),
  EXPIRY_REMINDER_BEFORE: duration('1h', 0, 'must be a duration, like 1h, 30m or PT1H (0 turns the reminder off)'),
  POLICY_FILE: optional(z.string()),
  APPROVAL_TTL: duration('24h', 60_000, 'must be a duration of at least one minute, like 24h, 90m, 2d or PT24H'),
  APPROVAL_CHANNEL: optional(z.string()),
  RELATIONSHIP_MODE: z.preprocess(emptyToUndefined, z.enum(['reseller', 'gdap']).default('reseller')),
  RELATIONSHIP_POLL_INTERVAL: duration('5m', 1_000, 'must be a duration of at least a second, like 5m or PT5M'),
  RELATIONSHIP_REMINDER_AFTER: duration('3d', 60_000, 'must be a duration of at least a minute, like 3d or P3D'),
  RELATIONSHIP_EXPIRES_AFTER: duration('14d', 60_000, 'must be a duration of at least a minute, like 14d or P14D'),
  GDAP_DURATION: z.preprocess(
    emptyToUndefined,
    z.string().default('P730D').refine((text) => /^P(\d+)D$/i.test(text) && Number(/^P(\d+)D$/i.exec(text)?.[1]) >= 1 && Number(/^P(\d+)D$/i.exec(text)?.[1]) <= 730, 'must be whole days between P1D and P730D (Graph\'s limit)'),
  ),
  GDAP_ROLES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('88d8e3e3-8f55-4a1e-953a-9b9898b8876b,158c047a-c907-4556-b7ef-446551a6b5f7')
      .transform((value) => value.split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))
      .superRefine((ids, ctx) => {
        if (ids.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must list at least one Microsoft Entra role template id' });
        for (const id of ids) if (!guid.safeParse(id).success) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${id}" is not a Microsoft Entra role template id (GUID)` });
      }),
  ),
  // Partner security groups (object ids) that GDAP access assignments give the roles to (the service account's group).
  GDAP_SECURITY_GROUPS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((value) => value.split(',').map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))
      .superRefine((ids, ctx) => {
        for (const id of ids) if (!guid.safeParse(id).success) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${id}" is not a security group object id (GUID)` });
      }),
  ),
  GDAP_AUTO_EXTEND: optional(z.enum(['P180D', 'PT0S'], { message: 'must be P180D or PT0S' })),
  STORE: z.preprocess(emptyToUndefined, z.string().default('sqlite:./data/csp-access-bot.db')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  RATE_LIMIT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('20/10m')
      .transform((text) => parseRateLimit(text))
      .refine((limit): limit is { limit: number; windowInMs: number } => limit !== undefined, 'must look like 20/10m (messages per user per duration)'),
  ),
});

export type CloudEndpoints = {
  readonly arm: string;
  readonly graph: string;
  readonly partnerCenter: string;
};

export interface AppConfig {
  readonly port: number;
  readonly host?: string;
  /** WEBSITE_INSTANCE_ID: a process restarted on this instance takes its killed predecessor's leases at once. */
  readonly instanceId?: string;
  readonly bot: {
    readonly appId?: string;
    readonly appPassword?: string;
    readonly tenantId?: string;
    readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMsi';
    /** Test or private cloud only: OpenID metadata of the inbound token signer (default: Bot Framework's). */
    readonly openIdMetadataUrl?: string;
    /** Test or private cloud only: the inbound tokens' issuer (default: https://api.botframework.com). */
    readonly tokenIssuer?: string;
    /** Where the bot gets its Bot Connector token ({host}/{tenant}); default Microsoft's for the app type. */
    readonly loginUrl?: string;
  };
  /** How the bot acts in customer tenants (ACCESS_MODEL). */
  readonly accessModel: 'delegated' | 'app';
  /** delegated: the partner service account's refresh token as first given (PARTNER_REFRESH_TOKEN). */
  readonly partnerRefreshToken?: string;
  /** delegated: the Key Vault that keeps the newest refresh token; undefined: kept in the store. */
  readonly keyVault?: { readonly url: string; readonly secretName: string };
  /** app: the relationship-request link sent to customers (RELATIONSHIP_REQUEST_URL). */
  readonly relationshipRequestUrl?: string;
  readonly cloud: 'sandbox' | 'azure';
  /** undefined: start the built-in sandbox in-process and point every gateway at it. */
  readonly endpoints?: CloudEndpoints;
  readonly partnerTenantId: string;
  readonly approvers: readonly string[];
  /** The partner's multi-tenant app (CLOUD=azure): its id, home tenant and one way to prove itself. */
  readonly azureCredential?: {
    readonly clientId: string;
    readonly tenantId: string;
    readonly secret:
      | { readonly kind: 'secret'; readonly clientSecret: string }
      | { readonly kind: 'certificate'; readonly certificatePath: string; readonly certificatePassword?: string }
      | { readonly kind: 'managedIdentity'; readonly clientId?: string };
    /** Entra authority for sovereign clouds (AZURE_AUTHORITY_HOST), e.g. https://login.microsoftonline.us. */
    readonly authorityHost?: string;
  };
  /**
   * AZURE_MANAGED_IDENTITY_CLIENT_ID: the host's user-assigned identity, which reaches the Table store and Key Vault
   * however the partner app proves itself (a secret too); undefined: the default Azure credential chain.
   */
  readonly managedIdentityClientId?: string;
  /** How long after approval a PrincipalNotFound from ARM is retried (new users replicate slowly). */
  readonly principalReplicationWindowInMs: number;
  /** How long before time-bound access ends the requester is reminded (0: no reminder). */
  readonly expiryReminderBeforeInMs: number;
  /** STORE: where requests, audit and messages live (one SQLite file, or Azure Table Storage for several instances). */
  readonly store: Exclude<StoreSetting, { kind: 'invalid' }>;
  /** The SQLite file of STORE (sqlite: only; '' with azure-table): the refresh token's default home too. */
  readonly storePath: string;
  /** The policy file (YAML or JSON); undefined: policy.default.yaml. */
  readonly policyFile?: string;
  /** How long a request may wait for a decision before it times out. */
  readonly approvalTtlInMs: number;
  /** A Teams channel conversation id ("19:…@thread.tacv2") where approval cards go instead of approvers' 1:1 chats. */
  readonly approvalChannel?: string;
  /** Customers without delegated access: how to invite them and how long to wait for them. */
  readonly relationships: {
    readonly mode: 'reseller' | 'gdap';
    readonly pollIntervalInMs: number;
    readonly reminderAfterInMs: number;
    readonly expiresAfterInMs: number;
    readonly gdap: {
      readonly duration: string;
      readonly roleDefinitionIds: readonly string[];
      readonly autoExtendDuration?: 'P180D' | 'PT0S';
      /** Partner security groups given the roles by access assignments (GDAP_SECURITY_GROUPS); may be empty. */
      readonly securityGroupIds: readonly string[];
    };
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Per user: at most `limit` messages within `windowInMs` (RATE_LIMIT). */
  readonly rateLimit: { readonly limit: number; readonly windowInMs: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { key: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.key} ${p.message}`).join('; ')}`);
  }
}

const PUBLIC_CLOUD: CloudEndpoints = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  partnerCenter: 'https://api.partnercenter.microsoft.com',
};

/** Reads and validates the environment once; throws ConfigError naming every bad key. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const parsed = rawSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ key: String(issue.path[0]), message: issue.message })));
  }
  const raw = parsed.data;
  const problems: { key: string; message: string }[] = [];
  // App Service hands a setting whose Key Vault reference it could not resolve (the identity's role not effective yet,
  // a wrong vault or secret) to the app as the reference text itself: the bot would start and fail later with 401s.
  for (const key of Object.keys(rawSchema.shape)) {
    if (env[key]?.trimStart().startsWith('@Microsoft.KeyVault(')) {
      problems.push({ key, message: "is an App Service Key Vault reference that did not resolve: check that the app's identity may read the vault's secrets (infra/azure.bicep gives it Key Vault Secrets Officer) and that the secret exists, then refresh the references" });
    }
  }
  const appSecret = raw.AZURE_USE_MANAGED_IDENTITY
    ? ({ kind: 'managedIdentity', ...(raw.AZURE_MANAGED_IDENTITY_CLIENT_ID ? { clientId: raw.AZURE_MANAGED_IDENTITY_CLIENT_ID } : {}) } as const)
    : raw.AZURE_CLIENT_CERTIFICATE_PATH
      ? ({ kind: 'certificate', certificatePath: raw.AZURE_CLIENT_CERTIFICATE_PATH, ...(raw.AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: raw.AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}) } as const)
      : raw.AZURE_CLIENT_SECRET
        ? ({ kind: 'secret', clientSecret: raw.AZURE_CLIENT_SECRET } as const)
        : undefined;
  const hasAzureCredential = Boolean(raw.AZURE_CLIENT_ID && appSecret);
  const cloud = raw.CLOUD ?? (hasAzureCredential ? 'azure' : 'sandbox');

  const approvers = raw.APPROVERS ?? [];

  const given = [raw.ARM_ENDPOINT, raw.GRAPH_ENDPOINT, raw.PARTNER_CENTER_ENDPOINT];
  let endpoints: CloudEndpoints | undefined;
  if (given.some((value) => value !== undefined) || cloud === 'azure') {
    endpoints = {
      arm: raw.ARM_ENDPOINT ?? PUBLIC_CLOUD.arm,
      graph: raw.GRAPH_ENDPOINT ?? PUBLIC_CLOUD.graph,
      partnerCenter: raw.PARTNER_CENTER_ENDPOINT ?? PUBLIC_CLOUD.partnerCenter,
    };
  }

  if (cloud === 'azure') {
    if (!raw.BOT_ID) problems.push({ key: 'BOT_ID', message: 'is required with CLOUD=azure (an empty BOT_ID turns off inbound authentication)' });
    if (raw.BOT_TYPE !== 'UserAssignedMsi' && !raw.BOT_PASSWORD) problems.push({ key: 'BOT_PASSWORD', message: `is required with CLOUD=azure and BOT_TYPE=${raw.BOT_TYPE}` });
    if (raw.BOT_TYPE === 'SingleTenant' && !raw.BOT_TENANT_ID) problems.push({ key: 'BOT_TENANT_ID', message: 'is required with BOT_TYPE=SingleTenant' });
    if (!raw.PARTNER_TENANT_ID) problems.push({ key: 'PARTNER_TENANT_ID', message: 'is required with CLOUD=azure' });
    if (approvers.length === 0) problems.push({ key: 'APPROVERS', message: 'is required with CLOUD=azure (who may approve)' });
    if (!hasAzureCredential) {
      problems.push({ key: 'AZURE_CLIENT_ID', message: 'and AZURE_CLIENT_SECRET are required with CLOUD=azure (or, instead of the secret, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_USE_MANAGED_IDENTITY=true)' });
    }
  }
  const ways = [raw.AZURE_CLIENT_SECRET, raw.AZURE_CLIENT_CERTIFICATE_PATH, raw.AZURE_USE_MANAGED_IDENTITY ? 'yes' : undefined].filter(Boolean).length;
  if (ways > 1) problems.push({ key: 'AZURE_CLIENT_SECRET', message: 'set only one of AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH and AZURE_USE_MANAGED_IDENTITY' });
  if (raw.AZURE_CLIENT_CERTIFICATE_PATH && !existsSync(raw.AZURE_CLIENT_CERTIFICATE_PATH)) {
    problems.push({ key: 'AZURE_CLIENT_CERTIFICATE_PATH', message: `no file at ${raw.AZURE_CLIENT_CERTIFICATE_PATH} (a PEM file with the certificate and its private key)` });
  }
  const store = parseStoreSetting(raw.STORE);
  if (store.kind === 'invalid') problems.push({ key: 'STORE', message: store.reason });
  // App Service's /home is a network share mounted into every instance, where SQLite's WAL does not work
  // (sqlite.org/wal.html): a file there would risk the audit trail. The default relative path lands there too.
  if (store.kind === 'sqlite' && raw.WEBSITE_INSTANCE_ID && store.path !== ':memory:' && /^\/home(?:\/|$)/.test(resolve(store.path))) {
    problems.push({ key: 'STORE', message: `puts the SQLite file on App Service's /home network share (${resolve(store.path)}), where SQLite's WAL does not work; use STORE=azure-table:<table endpoint> there` });
  }
  // Several instances share the table, not a file: the service account's refresh token then lives in Key Vault.
  if (store.kind === 'azure-table' && raw.ACCESS_MODEL === 'delegated' && !raw.KEY_VAULT_URL) {
    problems.push({ key: 'KEY_VAULT_URL', message: 'is required with STORE=azure-table and ACCESS_MODEL=delegated (the refresh token is kept in Key Vault)' });
  }
  if (problems.length > 0 || store.kind === 'invalid') throw new ConfigError(problems);

  return {
    port: raw.PORT,
    host: raw.HOST,
    ...(raw.WEBSITE_INSTANCE_ID ? { instanceId: raw.WEBSITE_INSTANCE_ID } : {}),
    bot: {
      appId: raw.BOT_ID,
      appPassword: raw.BOT_PASSWORD,
      tenantId: raw.BOT_TENANT_ID,
      appType: raw.BOT_TYPE,
      ...(raw.BOT_OPENID_METADATA_URL ? { openIdMetadataUrl: raw.BOT_OPENID_METADATA_URL } : {}),
      ...(raw.BOT_TOKEN_ISSUER ? { tokenIssuer: raw.BOT_TOKEN_ISSUER } : {}),
      ...(raw.BOT_LOGIN_URL ? { loginUrl: raw.BOT_LOGIN_URL } : {}),
    },
    accessModel: raw.ACCESS_MODEL,
    ...(raw.PARTNER_REFRESH_TOKEN ? { partnerRefreshToken: raw.PARTNER_REFRESH_TOKEN } : {}),
    ...(raw.KEY_VAULT_URL ? { keyVault: { url: raw.KEY_VAULT_URL, secretName: raw.REFRESH_TOKEN_SECRET_NAME } } : {}),
    ...(raw.RELATIONSHIP_REQUEST_URL ? { relationshipRequestUrl: raw.RELATIONSHIP_REQUEST_URL } : {}),
    cloud,
    endpoints,
    partnerTenantId: raw.PARTNER_TENANT_ID ?? SANDBOX_PARTNER_TENANT_ID,
    approvers: approvers.length > 0 ? approvers : SANDBOX_APPROVERS,
    azureCredential:
      raw.AZURE_CLIENT_ID && appSecret
        ? {
            clientId: raw.AZURE_CLIENT_ID,
            tenantId: raw.AZURE_TENANT_ID ?? raw.PARTNER_TENANT_ID ?? '',
            secret: appSecret,
            ...(raw.AZURE_AUTHORITY_HOST ? { authorityHost: raw.AZURE_AUTHORITY_HOST } : {}),
          }
        : undefined,
    ...(raw.AZURE_MANAGED_IDENTITY_CLIENT_ID ? { managedIdentityClientId: raw.AZURE_MANAGED_IDENTITY_CLIENT_ID } : {}),
    principalReplicationWindowInMs: raw.PRINCIPAL_REPLICATION_WINDOW,
    expiryReminderBeforeInMs: raw.EXPIRY_REMINDER_BEFORE,
    store,
    storePath: store.kind === 'sqlite' ? store.path : '',
    ...(raw.POLICY_FILE ? { policyFile: raw.POLICY_FILE } : {}),
    approvalTtlInMs: raw.APPROVAL_TTL,
    ...(raw.APPROVAL_CHANNEL ? { approvalChannel: raw.APPROVAL_CHANNEL } : {}),
    relationships: {
      mode: raw.RELATIONSHIP_MODE,
      pollIntervalInMs: raw.RELATIONSHIP_POLL_INTERVAL,
      reminderAfterInMs: raw.RELATIONSHIP_REMINDER_AFTER,
      expiresAfterInMs: raw.RELATIONSHIP_EXPIRES_AFTER,
      gdap: {
        duration: raw.GDAP_DURATION.toUpperCase(),
        roleDefinitionIds: raw.GDAP_ROLES,
        ...(raw.GDAP_AUTO_EXTEND ? { autoExtendDuration: raw.GDAP_AUTO_EXTEND } : {}),
        securityGroupIds: raw.GDAP_SECURITY_GROUPS,
      },
    },
    logLevel: raw.LOG_LEVEL,
    rateLimit: raw.RATE_LIMIT,
  };
}

/** "24h", "90m", "2d", "45s" or ISO 8601 "PT24H" / "P1D" → milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const simple = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i.exec(text.trim());
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  if (simple?.[1] && simple[2]) return Number(simple[1]) * (unit[simple[2].toLowerCase()] ?? 0);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text.trim());
  if (!iso || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, d, h, m, sec] = iso.map((part) => Number(part ?? 0));
  return (d ?? 0) * 86_400_000 + (h ?? 0) * 3_600_000 + (m ?? 0) * 60_000 + (sec ?? 0) * 1000;
}

/** "20/10m" → 20 per 10 minutes; undefined when unreadable. */
export function parseRateLimit(text: string): { limit: number; windowInMs: number } | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
  const windowInMs = match?.[2] ? parseDuration(match[2]) : undefined;
  const limit = Number(match?.[1]);
  return Number.isInteger(limit) && limit >= 1 && windowInMs !== undefined && windowInMs >= 1000 ? { limit, windowInMs } : undefined;
}
