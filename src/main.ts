// Composition root: config → store → gateways → services → Teams app → HTTP server. Nothing is built at import.
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { CallerIdConstants, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createAzureCredential, createSandboxCredential } from './gateways/credentials';
import { createGateways } from './gateways';
import { createLogger, type Logger } from './logger';
import { startSandbox, type RunningSandbox } from './sandbox';
import { loadPolicy } from './policy/load-policy';
import { AccessControl } from './services/access-control';
import { AccessListingService } from './services/access-listing';
import { ApprovalService } from './services/approval';
import { randomIds, systemClock, type Clock, type IdGenerator } from './services/clock';
import { ExpiryService } from './services/expiry';
import { IntakeService } from './services/intake';
import { ADMIN_CENTER_GDAP_URL, RelationshipService, type RequestAdvancer } from './services/relationships';
import { RelationshipWatcher } from './services/relationships-watcher';
import { GraphGdapGateway } from './gateways/gdap-gateway';
import { sandboxRelationshipUrl } from './sandbox/relationship-page';
import { ProvisioningService, type Sleep } from './services/provisioning';
import { RevocationService } from './services/revocation';
import { openSqliteStore } from './store/sqlite-store';
import type { RequestStore } from './store/request-store';
import { createBot } from './teams/bot';
import { OutboundLimits } from './teams/outbound-limits';
import { SlidingWindowRateLimiter } from './teams/rate-limit';
import { SecureTeamsAdapter, type BotCredentialsFactory } from './teams/secure-adapter';
import { startHttpServer } from './teams/server';
import { TeamsNotifier } from './teams/teams-notifier';
import { TeamsRelationshipNotifier } from './teams/relationship-notifier';

export interface StartOptions {
  /** Extra CA to trust for the cloud endpoints (tests pass their sandbox's certificate). */
  readonly tlsCa?: string;
  readonly clock?: Clock;
  readonly newId?: IdGenerator;
  readonly logger?: Logger;
  readonly credential?: TokenCredential;
  /** How the bot gets its outbound Bot Connector token (tests: a fake token; default: MSAL with BOT_PASSWORD). */
  readonly botCredentialsFactory?: BotCredentialsFactory;
  /** Waits between PrincipalNotFound retries (tests move their clock instead of waiting). */
  readonly sleep?: Sleep;
  /** The cloud clients' retry options (tests shorten the waits); default: each gateway's own. */
  readonly retryOptions?: PipelineRetryOptions;
}

export interface RunningBot {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly store: RequestStore;
  readonly provisioning: ProvisioningService;
  readonly approval: ApprovalService;
  /** Requests waiting for a customer's relationship: pollNow() checks acceptance, reminders and expiry at once. */
  readonly relationships: RelationshipWatcher;
  readonly expiry: ExpiryService;
  /** Resolves once no provisioning and no proactive message is in flight. */
  idle(): Promise<void>;
  /** The in-process sandbox, when the bot started one. */
  readonly sandbox?: RunningSandbox;
  stop(): Promise<void>;
}

export async function startBot(config: AppConfig, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const sandbox = config.endpoints ? undefined : await startSandbox({ port: 0 });
  const endpoints = config.endpoints ?? { arm: sandbox?.url ?? '', graph: sandbox?.url ?? '', partnerCenter: sandbox?.url ?? '' };
  const credential =
    options.credential ??
    (config.cloud === 'azure' && config.azureCredential ? createAzureCredential(config.azureCredential) : createSandboxCredential({ defaultTenantId: config.partnerTenantId }));
  const gateways = createGateways({
    armEndpoint: endpoints.arm,
    graphEndpoint: endpoints.graph,
    partnerCenterEndpoint: endpoints.partnerCenter,
    credential,
    partnerTenantId: config.partnerTenantId,
    ...(options.tlsCa ?? sandbox?.caCertPem ? { tlsCa: options.tlsCa ?? sandbox?.caCertPem } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  });

  const store = openSqliteStore(config.storePath);
  // An empty app id turns inbound authentication off: config allows that only with CLOUD=sandbox.
  const botAuth = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword ?? '',
        MicrosoftAppType: config.bot.appType,
        MicrosoftAppTenantId: config.bot.tenantId ?? '',
      }
    : { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };
  // A test or private-cloud token signer replaces Bot Framework's: botbuilder then wants every endpoint named.
  const signer = config.bot.openIdMetadataUrl
    ? {
        ToBotFromChannelOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
        ToBotFromChannelTokenIssuer: config.bot.tokenIssuer ?? 'https://api.botframework.com',
        ToChannelFromBotLoginUrl: `https://login.microsoftonline.com/${config.bot.tenantId ?? 'botframework.com'}`,
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        CallerId: CallerIdConstants.PublicAzureChannel,
        ValidateAuthority: true,
      }
    : {};
  const outbound = new OutboundLimits({
    onBlocked: (conversationId, code) => {
      logger.warn({ conversationId, code }, 'Teams refuses messages in this conversation; the bot stops sending there');
      try {
        store.appendAudit({ event: 'conversation_blocked', actor: 'system', at: clock.now().toISOString(), detail: { conversationId, code } });
      } catch (error) {
        logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'audit unavailable: blocked conversation not recorded');
      }
    },
  });
  const adapter = new SecureTeamsAdapter({ ...botAuth, ...signer }, options.botCredentialsFactory ?? new ConfigurationServiceClientCredentialFactory(botAuth), outbound);
  const rateLimiter = new SlidingWindowRateLimiter({ ...config.rateLimit, now: () => clock.now().getTime() });
  const policy = loadPolicy(config.policyFile);
  const access = new AccessControl({
    policy,
    approvers: config.approvers,
    directory: gateways.directory,
    partnerTenantId: config.partnerTenantId,
    clock,
    onDirectoryError: (error) => logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'group membership could not be read; treated as empty'),
  });
  const notifier = new TeamsNotifier({ adapter, botAppId: botAuth.MicrosoftAppId, store, approverIds: () => access.approverIds(), logger, ...(config.approvalChannel ? { approvalChannel: config.approvalChannel } : {}) });
  // Customers without delegated access: the relationship request goes out after Confirm; acceptance resumes the request.
  const relationshipNotifier = new TeamsRelationshipNotifier(notifier, () => clock.now());
  const sandboxCa = options.tlsCa ?? sandbox?.caCertPem;
  const gdap = config.relationships.mode === 'gdap'
    ? new GraphGdapGateway({ endpoint: endpoints.graph, credential, partnerTenantId: config.partnerTenantId, ...(sandboxCa ? { tlsCa: sandboxCa } : {}) })
    : undefined;
  const advancer: RequestAdvancer = { advance: (id, event) => approval.advance(id, event) };
  const logRelationshipError = (error: unknown, context: { requestId?: string; customer?: string }) =>
    logger.warn({ ...context, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'relationship request: not done yet');
  const relationships = new RelationshipService({
    mode: config.relationships.mode,
    partnerCenter: gateways.partnerCenter,
    ...(gdap ? { gdap } : {}),
    gdapSettings: {
      ...config.relationships.gdap,
      // The built-in sandbox stands in for the admin center with its own accept page.
      approvalUrl: sandbox ? () => sandboxRelationshipUrl(sandbox.url, sandbox.state.partner.partnerId) : ADMIN_CENTER_GDAP_URL,
    },
    store,
    clock,
    requests: advancer,
    notifier: relationshipNotifier,
    onError: logRelationshipError,
  });
  const relationshipWatcher = new RelationshipWatcher(
    { store, clock, partnerCenter: gateways.partnerCenter, ...(gdap ? { gdap } : {}), relationships, requests: advancer, notifier: relationshipNotifier, onError: logRelationshipError },
    { pollIntervalInMs: config.relationships.pollIntervalInMs, reminderAfterInMs: config.relationships.reminderAfterInMs, expiresAfterInMs: config.relationships.expiresAfterInMs },
  );
  const provisioning = new ProvisioningService({
    store,
    clock,
    notifier,
    rbac: gateways.rbac,
    onError: (error, requestId) => logger.error({ requestId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'provisioning failed unexpectedly'),
    principalReplicationWindowInMs: config.principalReplicationWindowInMs,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  // Time-bound access: reminder before the end, removal at the end; swept at start and every minute.
  const expiry = new ExpiryService({
    store,
    clock,
    notifier,
    rbac: gateways.rbac,
    reminderBeforeInMs: config.expiryReminderBeforeInMs,
    onError: (error, requestId) => logger.warn({ requestId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'expiry: not done yet; tried again at the next sweep'),
  });
  const revocation = new RevocationService({
    store,
    clock,
    notifier,
    rbac: gateways.rbac,
    onError: (error, requestId) => logger.error({ requestId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'revocation failed unexpectedly'),
  });
  const approval = new ApprovalService({
    onAwaitingRelationship: (request) => void relationships.invite(request),
    store,
    clock,
    notifier,
    access,
    approvalTtlInMs: config.approvalTtlInMs,
    onApproved: (request) => void (request.action === 'revoke' ? revocation.start(request.id) : provisioning.start(request.id)),
    onStoreError: (error, requestId) => logger.error({ requestId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'store or audit log not writable: decision refused'),
  });
  const intake = new IntakeService({ ...gateways, store, clock, newId: options.newId ?? randomIds, access, relationships });
  const listing = new AccessListingService({ rbac: gateways.rbac, directory: gateways.directory, store });
  const app = createBot({ adapter, botAppId: botAuth.MicrosoftAppId, partnerTenantId: config.partnerTenantId, intake, listing, approval, notifier, store, logger, now: () => clock.now(), rateLimiter, ...(config.approvalChannel ? { approvalChannel: config.approvalChannel } : {}) });
  const server = await startHttpServer({ adapter, app, port: config.port, ...(config.host ? { host: config.host } : {}), logger, authRequired: Boolean(config.bot.appId), ...(config.bot.tokenIssuer ? { channelTokenIssuer: config.bot.tokenIssuer } : {}) });
  void provisioning.resume();
  // Requests waiting for a relationship survive restarts: the watcher finds them in the store.
  relationshipWatcher.start();
  void revocation.resume();
  expiry.start();
  const idle = async (): Promise<void> => {
    // Provisioning queues messages and messages never start provisioning: two rounds settle both.
    for (let round = 0; round < 2; round++) {
      await provisioning.idle();
      await revocation.idle();
      await relationships.idle();
      await notifier.idle();
    }
  };
  // Requests left waiting past the approval window time out — at start (after downtime) and then every minute.
  const sweep = () => approval.expireOverdue().catch((error: unknown) => logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'approval timeout sweep failed'));
  void sweep();
  const sweeper = setInterval(() => void sweep(), Math.min(60_000, Math.max(1_000, config.approvalTtlInMs / 10)));
  sweeper.unref();

  return {
    url: server.url,
    port: server.port,
    store,
    provisioning,
    approval,
    relationships: relationshipWatcher,
    expiry,
    idle,
    ...(sandbox ? { sandbox } : {}),
    async stop() {
      clearInterval(sweeper);
      await relationshipWatcher.stop();
      await server.close();
      // Cuts PrincipalNotFound waits short: those requests stay `provisioning` and resume at the next start.
      await expiry.stop();
      await provisioning.stop();
      await idle();
      store.close();
      await sandbox?.stop();
    },
  };
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error('CSP Access Bot cannot start; fix these settings:');
      for (const problem of error.problems) console.error(`  ${problem.key}: ${problem.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const bot = await startBot(config, { logger });
  logger.info({ port: bot.port, cloud: config.cloud, sandbox: bot.sandbox?.url }, `CSP Access Bot listening on http://localhost:${bot.port}/api/messages`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('CSP Access Bot failed to start:', error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
