// The bot's CloudAdapter: botbuilder's own token validation for every inbound activity, guarded sends outbound.
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type InvokeResponse, type ResourceResponse, type TurnContext } from 'botbuilder';
import { withinDeadline } from '../services/deadline';
import { connectorHttpClient, OutboundLimits } from './outbound-limits';
import { installSigningKeys } from './signing-keys';

/**
 * How long an inbound activity's authentication may take. It is quick but for the read of the OpenID metadata and
 * signing keys (daily, and on an unknown key id): a stalled endpoint would leave every activity unanswered. Past this, the activity is answered 503 (the channel retries) well inside Teams' limits.
 */
export const AUTHENTICATION_DEADLINE_MS = 10_000;

/**
 * How long one read of the metadata and keys may take (signing-keys.ts: shared by the activities waiting for it, then
 * aborted): less than the deadline above, so that an activity gets the read's own answer and the read ends with it.
 */
const KEY_READ_DEADLINE_MS = AUTHENTICATION_DEADLINE_MS - 1_000;

/** The signing keys could not be loaded in time: the caller is not refused (401) but told to try again (503). */
export class AuthenticationLateError extends Error {
  override readonly name = 'AuthenticationLateError';
  /** 500 as botbuilder's own AuthenticationError has for "Failed to load openID config": answered 503 (server.ts). */
  readonly statusCode = 500;
}

/** Activities that never leave the process (the invoke answer rides on the HTTP response). */
const LOCAL_TYPES: ReadonlySet<string> = new Set([ActivityTypes.InvokeResponse, 'delay', ActivityTypes.Trace]);

/** Teams has a handful of regional service URLs; more clients than this means something is wrong: the oldest goes. */
const MAX_KEPT_CLIENTS = 64;

/** The app id botbuilder builds a turn's clients for: the token's audience (a channel's call), else its appid claim. */
const appIdOf = (identity: { getClaimValue(type: string): string | null }): string => identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';

/** botbuilder's ServiceClientCredentialsFactory (how the bot gets its outbound token), as TeamsAdapter takes it. */
export type BotCredentialsFactory = NonNullable<ConstructorParameters<typeof TeamsAdapter>[1]>;

export class SecureTeamsAdapter extends TeamsAdapter {
  /** Bot Connector clients per app id, service URL and audience, as botbuilder would build them for a turn. */
  private readonly connectors = new Map<string, Promise<unknown>>();

  constructor(
    auth: Partial<ConfigurationBotFrameworkAuthenticationOptions>,
    credentialsFactory: BotCredentialsFactory,
    private readonly limits: OutboundLimits,
  ) {
    // Every Bot Connector call goes through one attempt with a deadline; `limits` paces and retries it.
    super(auth, credentialsFactory, undefined, { httpClient: connectorHttpClient(limits.requestTimeoutInMs) });
    this.keepUserTokenClients();
    installSigningKeys(KEY_READ_DEADLINE_MS);
  }

  /**
   * Authenticates `activity` with its Authorization header (issuer, audience, expiry, signing key and its channel
   * endorsements, serviceUrl claim — botbuilder's ChannelValidation), then runs `logic`. Throws an
   * AuthenticationError (or a jsonwebtoken error) when the caller is not who it claims to be.
   */
  async authenticateAndRun(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    const result = await withinDeadline(this.botFrameworkAuthentication.authenticateRequest(activity, authHeader), AUTHENTICATION_DEADLINE_MS);
    if (result === 'timed_out') throw new AuthenticationLateError(`authentication took more than ${AUTHENTICATION_DEADLINE_MS} ms (OpenID metadata or signing keys not loaded)`);
    // botbuilder builds a ConnectorClient (and its HTTP pipeline) for every turn: a tenth of a turn's time. The client
    // depends only on the app id, the service URL and the audience, so each is built once, by botbuilder's own
    // factory (the bot's credentials, the adapter's transport), and kept.
    const factory = result.connectorFactory;
    if (!factory) return this.processActivity(result, activity, logic);
    const appId = appIdOf(result.claimsIdentity);
    const connectorFactory: typeof factory = {
      create: (serviceUrl, audience) => this.kept(`${appId}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience)),
    };
    return this.processActivity({ ...result, connectorFactory }, activity, logic);
  }

  /** A message from a conversation shows it is open again to the bot. */
  noteInbound(activity: Partial<Activity>): void {
    if (activity.type === ActivityTypes.Message && activity.conversation?.id) this.limits.unblock(activity.conversation.id);
  }

  /** One activity at a time, each within its conversation's budget, retried on throttling, gateway errors and timeouts. */
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (LOCAL_TYPES.has(activity.type ?? '')) {
        responses.push(...(await super.sendActivities(context, [activity])));
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation?.id ?? '';
      responses.push(...(await this.limits.run(conversationId, () => super.sendActivities(context, [activity]))));
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id ?? '';
    return this.limits.run(conversationId, () => super.updateActivity(context, activity));
  }

  /**
   * botbuilder also builds a UserTokenClient (another HTTP pipeline) for every turn, for sign-in prompts, which this
   * bot never sends; it is built once per app id instead, by botbuilder's own method.
   */
  private keepUserTokenClients(): void {
    const auth = this.botFrameworkAuthentication;
    const create = auth.createUserTokenClient.bind(auth);
    auth.createUserTokenClient = (identity) => this.kept(`user-token\n${appIdOf(identity)}`, () => create(identity));
  }

  /** The kept client under `key`, built on first use; a build that failed is forgotten (the next turn tries again). */
  private kept<T>(key: string, build: () => Promise<T>): Promise<T> {
    const existing = this.connectors.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const client = build();
    client.catch(() => {
      if (this.connectors.get(key) === client) this.connectors.delete(key);
    });
    if (this.connectors.size >= MAX_KEPT_CLIENTS) {
      const oldest = this.connectors.keys().next();
      if (!oldest.done) this.connectors.delete(oldest.value);
    }
    this.connectors.set(key, client);
    return client;
  }
}
