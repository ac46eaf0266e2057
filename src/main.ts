// Composition root: config → store → gateways → services → Teams app → HTTP server. Nothing is built at import.
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { CallerIdConstants, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createGateways } from './gateways';
import type { DelegatedCredential } from './gateways/credentials-delegated';
import { REFRESH_TOKEN_KEEP_ALIVE_IN_MS } from './gateways/credentials-setup';
import { buildPartnerCredential, missingCredential, openStore, renewRefreshToken } from './foundations';
import { createLogger, type Logger } from './logger';
import type { RunningSandbox } from './sandbox';
import { sandboxApprovalUrl, startSandbox } from './load-sandbox';
import { loadPolicy } from './policy/load-policy';
import { AccessControl } from './services/access-control';
import { AccessListingService } from './services/access-listing';
import { ApprovalService } from './services/approval';
import { randomIds, systemClock, type Clock, type IdGenerator } from './services/clock';
import { ExpiryService } from './services/expiry';
import { instanceHolderId, JobLeases } from './services/job-leases';
import { IntakeService } from './services/intake';
import { ADMIN_CENTER_GDAP_URL, RelationshipService, type RequestAdvancer } from './services/relationships';
import { GdapCompletion } from './services/gdap-completion';
import { ReadinessService } from './services/readiness';
import { ReadinessAlerts } from './services/readiness-alerts';
import { RelationshipWatcher } from './services/relationships-watcher';
import { GraphGdapGateway } from './gateways/gdap-gateway';
import { ProvisioningService, type Sleep } from './services/provisioning';
import { WaitingRemovals } from './services/removal-waits';
import { RevocationService } from './services/revocation';
import type { ChangeLog, Store } from './store/ports';
import type { AccessRequest } from './domain/access-request';
import type { ReadinessGap } from './domain/readiness-gap';
import { OutboxSender } from './services/outbox-sender';
import { ApproverMet } from './services/approver-met';
import { TurnRecords } from './services/turn-records';
import { createBot } from './teams/bot';
import { warmCards } from './teams/cards';
import { OutboundLimits } from './teams/outbound-limits';
import { SlidingWindowRateLimiter } from './teams/rate-limit';
import { botLoginUrl, createBotCredentialsFactory } from './teams/bot-credentials';
import { SecureTeamsAdapter, type BotCredentialsFactory } from './teams/secure-adapter';
import { startHttpServer } from './teams/server';
import { channelKey, TeamsNotifier } from './teams/teams-notifier';
import { TeamsRelationshipNotifier } from './teams/relationship-notifier';

export interface StartOptions {
  /** Extra CA to trust for the cloud endpoints (tests pass their sandbox's certificate). */
  readonly tlsCa?: string;
  readonly clock?: Clock;
  readonly newId?: IdGenerator;
  readonly logger?: Logger;
  /** Replaces the credential built from the settings (ACCESS_MODEL). */
  readonly credential?: TokenCredential;
  /** Waits between PrincipalNotFound retries (tests move their clock instead of waiting). */
  readonly sleep?: Sleep;
  /** The cloud clients' retry options (tests shorten the waits); default: each gateway's own. */
  readonly retryOptions?: PipelineRetryOptions;
  /** The deadline of each attempt at an ARM, Graph, Partner Center or Bot Connector call (tests shorten it); default 60 s. */
  readonly requestTimeoutInMs?: number;
}

export interface RunningBot {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly provisioning: ProvisioningService;
  readonly approval: ApprovalService;
  /** Requests waiting for a customer's relationship: pollNow() checks acceptance, reminders and expiry at once. */
  readonly relationships: RelationshipWatcher;
  readonly expiry: ExpiryService;
  /** Resolves once no provisioning and no proactive message is in flight. */
  idle(): Promise<void>;
  /** The in-process sandbox, when the bot started one. */
  readonly sandbox?: RunningSandbox;
  /**
   * ACCESS_MODEL=delegated: the service account's sign-in — whether one is required now, and listeners for when it
   * becomes required (refresh token revoked or expired) and when tokens flow again.
   */
  readonly signIn?: Pick<DelegatedCredential, 'signInRequired' | 'onSignInRequired' | 'onSignInRestored'>;
  stop(): Promise<void>;
}

export async function startBot(config: AppConfig, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  // CLOUD=sandbox: the built-in sandbox serves whatever is not given (endpoints; authority and app credential).
  const sandbox = config.cloud === 'sandbox' && (!config.endpoints || !config.azureCredential) ? await startSandbox({ port: 0 }) : undefined;
  const endpoints = config.endpoints ?? { arm: sandbox?.url ?? '', graph: sandbox?.url ?? '', partnerCenter: sandbox?.url ?? '' };
  const tlsCa = [options.tlsCa, sandbox?.caCertPem].filter((pem): pem is string => pem !== undefined).join('\n') || undefined;
  const partner = options.credential ? undefined : buildPartnerCredential(config, sandbox, tlsCa, logger, clock);
  const credential = options.credential ?? partner?.credential ?? missingCredential();
  const keepAlive = partner?.accessModel === 'delegated' ? setInterval(() => void renewRefreshToken(partner.credential, logger), REFRESH_TOKEN_KEEP_ALIVE_IN_MS) : undefined;
  keepAlive?.unref();
  const gateways = createGateways({
    armEndpoint: endpoints.arm,
    graphEndpoint: endpoints.graph,
    partnerCenterEndpoint: endpoints.partnerCenter,
    credential,
    partnerTenantId: config.partnerTenantId,
    ...(tlsCa ? { tlsCa } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    requestTimeoutInMs: options.requestTimeoutInMs,
  });

  const store = await openStore(config, logger);
  // Instances sharing the store take turns at what must not run twice at once (sending, sweeps), by lease.
  const jobs = new JobLeases({ leases: store.leases, holder: instanceHolderId(config.instanceId ? { id: config.instanceId, startedAt: clock.now() } : undefined), clock, onError: (error, name) => logger.warn({ lease: name, err: describeError(error) }, 'lease not renewed or released; it runs out on its own') });
  // Every change is written with its audit entry and what it makes the bot say; what it says is sent right after.
  // The sender needs the Teams notifier, built further down; until then there is nothing to send.
  const sending = { kick: (): void => undefined };
  const changes: ChangeLog = {
    async record(change) {
      const stored = await store.changes.record(change);
      if (stored && (change.outbox?.length ?? 0) > 0) sending.kick();
      return stored;
    },
  };
  // An empty app id turns inbound authentication off: config allows that only with CLOUD=sandbox.
  const botAuth = config.bot.appId
    ? {
        MicrosoftAppId: config.bot.appId,
        MicrosoftAppPassword: config.bot.appPassword ?? '',
        MicrosoftAppType: config.bot.appType,
        MicrosoftAppTenantId: config.bot.tenantId ?? '',
      }
    : { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };
  // The bot's own token for the Bot Connector comes from BOT_LOGIN_URL: default Microsoft's for BOT_TYPE, or, with
  // CLOUD=sandbox, the built-in sandbox's Entra (it serves what is not given).
  const loginUrl = botLoginUrl({
    appType: config.bot.appType,
    ...(config.bot.tenantId ? { tenantId: config.bot.tenantId } : {}),
    ...(config.bot.loginUrl ? { loginUrl: config.bot.loginUrl } : {}),
    ...(sandbox ? { host: sandbox.authorityHost } : {}),
  });
  // A private cloud's or a test's channel-token signer replaces Bot Framework's: botbuilder then wants every endpoint named.
  const signer = config.bot.openIdMetadataUrl
    ? {
        ToBotFromChannelOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
        ToBotFromChannelTokenIssuer: config.bot.tokenIssuer ?? 'https://api.botframework.com',
        ToChannelFromBotLoginUrl: loginUrl,
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        CallerId: CallerIdConstants.PublicAzureChannel,
        ValidateAuthority: true,
      }
    : {};
  const botCredentials: BotCredentialsFactory = config.bot.appId
    ? createBotCredentialsFactory({
        appId: config.bot.appId,
        appType: config.bot.appType,
        loginUrl,
        ...(config.bot.appPassword ? { appPassword: config.bot.appPassword } : {}),
        ...(config.bot.tenantId ? { tenantId: config.bot.tenantId } : {}),
        ...(tlsCa ? { tlsCa } : {}),
      })
    : new ConfigurationServiceClientCredentialFactory(botAuth);
  const outbound = new OutboundLimits({
    requestTimeoutInMs: options.requestTimeoutInMs,
    onBlocked: (conversationId, code) => {
      logger.warn({ conversationId, code }, 'Teams refuses messages in this conversation; the bot stops sending there');
      changes.record({ audit: { event: 'conversation_blocked', actor: 'system', at: clock.now().toISOString(), detail: { conversationId, code } } }).catch((error: unknown) => {
        logger.error({ err: describeError(error) }, 'audit unavailable: blocked conversation not recorded');
      });
    },
  });
  const adapter = new SecureTeamsAdapter({ ...botAuth, ...signer }, botCredentials, outbound);
  const rateLimiter = new SlidingWindowRateLimiter({ ...config.rateLimit, now: () => clock.now().getTime() });
  const policy = loadPolicy(config.policyFile);
  const access = new AccessControl({
    policy,
    approvers: config.approvers,
    directory: gateways.directory,
    partnerTenantId: config.partnerTenantId,
    clock,
    onDirectoryError: (error) => logger.warn({ err: describeError(error) }, 'group membership could not be read; treated as empty'),
  });
  // Where people are reached is recorded by the turn records, built further down (a closed chat is forgotten there).
  const chats = { gone: (_userId: string, _reference: string): Promise<void> => Promise.resolve() };
  const notifier = new TeamsNotifier({ adapter, botAppId: botAuth.MicrosoftAppId, store, approverIds: () => access.approverIds(), logger, onChatGone: (userId, reference) => chats.gone(userId, reference), ...(config.approvalChannel ? { approvalChannel: config.approvalChannel } : {}) });
  // Customers without delegated access: the relationship request goes out after Confirm; acceptance resumes the request.
  const relationshipNotifier = new TeamsRelationshipNotifier(notifier, () => clock.now());
  const sender = new OutboxSender({
    outbox: store.outbox,
    notifier,
    relationships: relationshipNotifier,
    jobs,
    onError: (error, message, gaveUp) => logger.warn({ requestId: message.requestId, kind: message.kind, gaveUp, err: describeError(error) }, gaveUp ? 'message given up after repeated failures' : 'message not sent yet; tried again later'),
  });
  sending.kick = () => sender.kick();
  // Delegated model: readiness reads the partner's GDAP relationships, and reseller customers are invited to GDAP.
  const gdap = config.accessModel === 'delegated'
    ? new GraphGdapGateway({ endpoint: endpoints.graph, credential, partnerTenantId: config.partnerTenantId, ...(tlsCa ? { tlsCa } : {}), ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}), requestTimeoutInMs: options.requestTimeoutInMs })
    : undefined;
  // What the bot needs to act for a customer, found out and answered piece by piece; approvers told what to fix.
  const alerts = new ReadinessAlerts({ notifier: relationshipNotifier, clock, onError: (error) => logger.warn({ err: describeError(error) }, 'could not tell the approvers') });
  const completion = gdap
    ? new GdapCompletion({ gdap, securityGroupIds: config.relationships.gdap.securityGroupIds, roleDefinitionIds: config.relationships.gdap.roleDefinitionIds, changes, clock })
    : undefined;
  const readiness = new ReadinessService({
    model: config.accessModel,
    ...(completion ? { completion } : {}),
    partnerCenter: gateways.partnerCenter,
    directory: gateways.directory,
    rbac: gateways.rbac,
    ...(gdap ? { gdap } : {}),
    securityGroupIds: config.relationships.gdap.securityGroupIds,
    appId: config.azureCredential?.clientId ?? sandbox?.partnerApp.clientId ?? '',
    authorityHost: config.azureCredential?.authorityHost ?? sandbox?.authorityHost ?? 'https://login.microsoftonline.com',
    clock,
    onRefused: (refusal) => {
      if (refusal.reason === 'sign_in_required') alerts.signInMissing();
    },
  });
  // The credential knows when the service account's refresh token dies and when tokens flow again.
  if (partner?.accessModel === 'delegated') {
    partner.credential.onSignInRequired(() => alerts.signInMissing());
    partner.credential.onSignInRestored(() => alerts.signInWorks());
  }
  const advancer: RequestAdvancer = { advance: (id, event, tell) => approval.advance(id, event, tell) };
  const logRelationshipError = (error: unknown, context: { requestId?: string; customer?: string }) =>
    logger.warn({ ...context, err: describeError(error) }, 'relationship request: not done yet');
  const relationships = new RelationshipService({
    mode: config.relationships.mode,
    accessModel: config.accessModel,
    ...(config.relationshipRequestUrl ? { relationshipRequestUrl: config.relationshipRequestUrl } : {}),
    readiness,
    directory: gateways.directory,
    alerts,
    partnerCenter: gateways.partnerCenter,
    ...(gdap ? { gdap } : {}),
    gdapSettings: {
      ...config.relationships.gdap,
      // The built-in sandbox stands in for the admin center with its own accept page.
      approvalUrl: sandbox ? sandboxApprovalUrl(sandbox) : ADMIN_CENTER_GDAP_URL,
    },
    stored: store.requests,
    changes,
    clock,
    requests: advancer,
    onError: logRelationshipError,
  });
  const relationshipWatcher = new RelationshipWatcher(
    { store: store.requests, clock, readiness, ...(completion ? { completion } : {}), relationships, requests: advancer, onError: logRelationshipError, jobs, removals: new WaitingRemovals({ requests: store.requests, clock, revocation: () => revocation, expiry: () => expiry }) },
    { pollIntervalInMs: config.relationships.pollIntervalInMs, reminderAfterInMs: config.relationships.reminderAfterInMs, expiresAfterInMs: config.relationships.expiresAfterInMs },
  );
  // What provisioning, expiry and revocation share: they change requests through ARM, each under its job's lease, and
  // ask readiness afresh when ARM refuses (the bot's access to the customer may be gone).
  const armJobs = { requests: store.requests, changes, clock, rbac: gateways.rbac, readiness, jobs };
  const removalAccessLost = (request: AccessRequest, gap: ReadinessGap) => alerts.accessLost(request.customer, gap, { subscription: request.subscription.name, requester: request.requester, lost: 'removal' });
  const provisioning = new ProvisioningService({
    ...armJobs,
    onError: (error, requestId) => logger.error({ requestId, err: describeError(error) }, 'provisioning failed unexpectedly'),
    principalReplicationWindowInMs: config.principalReplicationWindowInMs,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    // The service account's sign-in, or (app model) the app's own credential: the approvers hear what to renew.
    onSignInRequired: (refusal, request) => alerts.credentialRefused(refusal, request),
    // A grant refused because the bot's access to the customer is gone (GDAP ended) waits for it again.
    onAccessLost: (request, gap) => alerts.accessLost(request.customer, gap, { subscription: request.subscription.name, requester: request.requester }),
    onResumeError: (error) => logger.error({ err: describeError(error) }, 'resume-provisioning: not done yet; tried again later'),
  });
  // Once the partner's sign-in works again, what waited for it goes on.
  alerts.onSignInRestored(() => {
    void provisioning.resume();
    void relationshipWatcher.pollNow();
  });
  // Time-bound access: reminder before the end, removal at the end; swept at start and every minute.
  const expiry = new ExpiryService({
    ...armJobs,
    reminderBeforeInMs: config.expiryReminderBeforeInMs,
    onAccessLost: removalAccessLost,
    onError: (error, requestId) => logger.warn({ requestId, err: describeError(error) }, 'expiry: not done yet; tried again at the next sweep'),
  });
  const revocation = new RevocationService({
    ...armJobs,
    onError: (error, requestId) => logger.error({ requestId, err: describeError(error) }, 'revocation failed unexpectedly'),
    onAccessLost: removalAccessLost,
    onResumeError: (error) => logger.error({ err: describeError(error) }, 'resume-revocation: not done yet; tried again later'),
  });
  const approval = new ApprovalService({ onAwaitingRelationship: (request) => void relationships.invite(request), requests: store.requests, changes, clock, access, approvalTtlInMs: config.approvalTtlInMs,
    onApproved: (request) => void (request.action === 'revoke' ? revocation.start(request.id) : provisioning.start(request.id)),
    onStoreError: (error, requestId) => logger.error({ requestId, err: describeError(error) }, 'store or audit log not writable: decision refused') });
  const intake = new IntakeService({ ...gateways, requests: store.requests, changes, pending: store.pending, clock, newId: options.newId ?? randomIds, access, relationships, readiness, alerts });
  const listing = new AccessListingService({ rbac: gateways.rbac, directory: gateways.directory, requests: store.requests });
  // An approver's first chat with the bot (or the approvals channel's): what already waits for approval is shown there once it is stored.
  const approvals = config.approvalChannel ? channelKey(config.approvalChannel) : undefined;
  const approverMet = new ApproverMet({ requests: store.requests, changes: store.changes, approverStatus: (userId) => (userId === approvals ? Promise.resolve('yes' as const) : access.approverStatus(userId)), clock });
  const newcomer = { before: (userId: string) => approverMet.met(userId), after: () => sender.kick() };
  const records = new TurnRecords({ conversations: store.conversations, cards: store.cards, changes, onError: (error, what) => logger.warn({ err: describeError(error) }, what), newcomer });
  chats.gone = (userId, reference) => records.forget(userId, reference, clock.now());
  const app = createBot({ adapter, botAppId: botAuth.MicrosoftAppId, partnerTenantId: config.partnerTenantId, intake, listing, approval, notifier, records, logger, now: () => clock.now(), rateLimiter, ...(config.approvalChannel ? { approvalChannel: config.approvalChannel } : {}) });
  const server = await startHttpServer({ adapter, app, port: config.port, ...(config.host ? { host: config.host } : {}), logger, authRequired: Boolean(config.bot.appId), ...(config.bot.tokenIssuer ? { channelTokenIssuer: config.bot.tokenIssuer } : {}) });
  // The card templating library loads right after listening instead of before (bench/README.md, start-up); a card
  // asked for in those first instants waits for the load, as it would have waited before listening.
  const warming = setImmediate(() => {
    try {
      warmCards();
    } catch (error) {
      // The first card then fails the same way, with its turn: said here too, once, for whoever reads the start.
      logger.error({ err: describeError(error) }, 'card templates could not be loaded');
    }
  });
  sender.start();
  // What a stopped instance left half done: at start and every minute, each request under its own claim, so a request
  // another instance is working on is left to it, and one whose holder died is finished here once its claim ran out.
  provisioning.resumeEvery(60_000);
  // Requests waiting for a relationship survive restarts: the watcher finds them in the store.
  relationshipWatcher.start();
  revocation.resumeEvery(60_000);
  expiry.start();
  const idle = async (): Promise<void> => {
    // Provisioning queues messages and messages never start provisioning: two rounds settle both.
    for (let round = 0; round < 2; round++) {
      await provisioning.idle();
      await revocation.idle();
      await relationships.idle();
      await notifier.idle();
      await sender.idle();
    }
  };
  // Requests left waiting past the approval window time out — at start (after downtime) and then every minute.
  const sweep = () => jobs.run('approval-timeouts', () => approval.expireOverdue()).catch((error: unknown) => logger.error({ err: describeError(error) }, 'approval timeout sweep failed'));
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
    ...(partner?.accessModel === 'delegated' ? { signIn: partner.credential } : {}),
    async stop() {
      clearImmediate(warming);
      clearInterval(sweeper);
      clearInterval(keepAlive);
      await relationshipWatcher.stop();
      await server.close();
      // Cuts PrincipalNotFound waits short: those requests stay `provisioning` and resume at the next start.
      await expiry.stop();
      await provisioning.stop();
      await revocation.stop();
      await idle();
      await sender.stop();
      // Runs still holding a lease (a sweep) end and release it, so a restarted instance need not wait for it to run out.
      await jobs.stop();
      await store.close();
      if (partner?.accessModel === 'delegated') await partner.refreshTokens.close();
      await sandbox?.stop();
    },
  };
}

const describeError = (error: unknown): { name: string; message: string } | string => (error instanceof Error ? { name: error.name, message: error.message } : String(error));

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
