// Proactive turns without building a Bot Connector client per send: one client per service URL, the adapter's own.
import { ActivityEx, TurnContext, type CloudAdapter, type ConversationReference } from 'botbuilder';

/** Teams has a handful of regional service URLs; more than this means something is wrong, so the oldest is let go. */
const MAX_SERVICE_URLS = 64;

/**
 * What `adapter.continueConversationAsync` does for a proactive send, minus the two clients it builds each time
 * (a ConnectorClient and a UserTokenClient, each with its own HTTP pipeline: a fifth of the bot's busy time when
 * approvals update many cards). The first send to a service URL goes through `continueConversationAsync` itself, and
 * the ConnectorClient its adapter made there — the bot's credentials (a token asked for per request, cached by MSAL),
 * the adapter's transport (one attempt, a deadline) — is kept for the next sends to that URL. Each send then runs on a
 * TurnContext built the way the adapter builds it (the same continuation activity, so the same activity shapes), and
 * its sends and updates go through the adapter's own `sendActivities` / `updateActivity` (pacing and retries). No
 * UserTokenClient: the bot sends no sign-in cards from proactive turns.
 */
export class ProactiveConversations {
  /** Per service URL: the adapter's ConnectorClient and the bot's claims identity, as its first turn there held them. */
  private readonly clients = new Map<string, { readonly client: unknown; readonly identity: unknown }>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async continue(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const serviceUrl = reference.serviceUrl;
    const kept = serviceUrl === undefined ? undefined : this.clients.get(serviceUrl);
    if (serviceUrl === undefined || kept === undefined) {
      // The adapter hands a failure of `logic` to the bot's turn-error handler, which answers "something went wrong"
      // in that chat and resolves: the send would count as done. It is caught here and thrown to the caller instead.
      let failure: { readonly error: unknown } | undefined;
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        const client: unknown = context.turnState.get(this.adapter.ConnectorClientKey);
        const identity: unknown = context.turnState.get(this.adapter.BotIdentityKey);
        if (serviceUrl !== undefined && client !== undefined) this.keep(serviceUrl, { client, identity });
        try {
          await logic(context);
        } catch (error) {
          failure = { error };
        }
      });
      if (failure) throw failure.error;
      return;
    }
    const context = new TurnContext(this.adapter, ActivityEx.getContinuationActivity(reference));
    context.turnState.set(this.adapter.BotIdentityKey, kept.identity);
    context.turnState.set(this.adapter.ConnectorClientKey, kept.client);
    await logic(context);
  }

  private keep(serviceUrl: string, entry: { readonly client: unknown; readonly identity: unknown }): void {
    if (!this.clients.has(serviceUrl) && this.clients.size >= MAX_SERVICE_URLS) {
      const oldest = this.clients.keys().next();
      if (!oldest.done) this.clients.delete(oldest.value);
    }
    this.clients.set(serviceUrl, entry);
  }
}
