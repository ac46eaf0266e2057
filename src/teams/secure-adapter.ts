// The bot's CloudAdapter: botbuilder's own token validation for every inbound activity, guarded sends outbound.
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type InvokeResponse, type ResourceResponse, type TurnContext } from 'botbuilder';
import { connectorHttpClient, OutboundLimits } from './outbound-limits';

/** Activities that never leave the process (the invoke answer rides on the HTTP response). */
const LOCAL_TYPES: ReadonlySet<string> = new Set([ActivityTypes.InvokeResponse, 'delay', ActivityTypes.Trace]);

/** botbuilder's ServiceClientCredentialsFactory (how the bot gets its outbound token), as TeamsAdapter takes it. */
export type BotCredentialsFactory = NonNullable<ConstructorParameters<typeof TeamsAdapter>[1]>;

export class SecureTeamsAdapter extends TeamsAdapter {
  constructor(
    auth: Partial<ConfigurationBotFrameworkAuthenticationOptions>,
    credentialsFactory: BotCredentialsFactory,
    private readonly limits: OutboundLimits,
  ) {
    // Every Bot Connector call goes through one attempt with a deadline; `limits` paces and retries it.
    super(auth, credentialsFactory, undefined, { httpClient: connectorHttpClient(limits.requestTimeoutInMs) });
  }

  /**
   * Authenticates `activity` with its Authorization header (issuer, audience, expiry, signing key and its channel
   * endorsements, serviceUrl claim — botbuilder's ChannelValidation), then runs `logic`. Throws an
   * AuthenticationError (or a jsonwebtoken error) when the caller is not who it claims to be.
   */
  authenticateAndRun(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
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
}
