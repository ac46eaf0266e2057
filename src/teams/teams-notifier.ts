// Proactive messages: approval cards to approvers' 1:1 chats, card updates everywhere a request shows, outcomes told.
import type { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { FINAL_STATES, type AccessRequest, type Locale } from '../domain/access-request';
import { formatEnd, messagesFor } from '../i18n';
import type { Logger } from '../logger';
import type { CardMessage, Delivery, Notifier, NotifierReads, StoredConversation } from '../services/notifier';
import { accessRequestCard, asAttachment, outcomeNote, type AdaptiveCardJson, type Viewer } from './cards';
import { ProactiveConversations } from './connector-clients';
import { closedForGood } from './outbound-limits';
import { keepBounded, RefreshList } from './refresh-list';
import { inertName } from './user-text';

/** Where the approvals channel's conversation reference is kept among the people's. */
export const channelKey = (channelId: string): string => `channel:${channelId}`;

export interface TeamsNotifierOptions {
  readonly adapter: CloudAdapter;
  readonly botAppId: string;
  /** Read only: what the Teams layer sends is recorded through each Delivery, by the outbox sender. */
  readonly store: NotifierReads;
  /** Everyone who may approve, as the server knows it now (config, policy, Entra groups). */
  readonly approverIds: () => Promise<ReadonlySet<string>>;
  readonly logger: Logger;
  /** A Teams channel id where approval cards go instead of approvers' 1:1 chats. */
  readonly approvalChannel?: string;
  /**
   * An approver's chat refused a card for good (the app removed, the chat gone or blocked): it is forgotten (unless
   * it changed since), so that their next chat with the bot counts as new and shows them what waits for approval.
   */
  readonly onChatGone?: (userId: string, reference: string) => Promise<void>;
}

/** Cards kept for reuse (a few seconds' worth of changes under load): the oldest is let go first. */
const RENDERED_CARDS = 500;
/** Outcomes whose sentence does not name the user, role and subscription. */
const NAMELESS_OUTCOMES: ReadonlySet<string> = new Set(['rejected', 'cancelled', 'timed_out']);

export class TeamsNotifier implements Notifier {
  /** Messages to the approvers not about one request (readiness, sign-in) run one after another. */
  private readonly queues = new Map<string, Promise<void>>();

  /** Sends reuse one Bot Connector client per service URL instead of building two clients per send. */
  private readonly proactive: ProactiveConversations;

  /**
   * Cards rendered lately, by request version and everything of the viewer the card is made from. Each message of a
   * request shows the request as stored now, so the messages of a quick succession of changes (approved, then
   * provisioning) often show every holder the same version: it is rendered once, not once per message.
   */
  private readonly rendered = new Map<string, AdaptiveCardJson>();

  /** Who sees each card's live updates. */
  private readonly refreshList: RefreshList;

  constructor(private readonly options: TeamsNotifierOptions) {
    this.proactive = new ProactiveConversations(options.adapter, options.botAppId);
    this.refreshList = new RefreshList((userId) => this.conversation(userId), () => options.approverIds());
  }

  /**
   * Runs `job` after the earlier sends for the same request, without making the caller wait: a click is answered
   * at once and the other people's cards follow (never "Something went wrong" because a connector is slow).
   */
  private enqueue(requestId: string, job: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(requestId) ?? Promise.resolve();
    const next = previous.then(job).catch((error: unknown) => {
      this.options.logger.warn({ requestId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'notification failed');
    });
    this.queues.set(requestId, next);
    void next.then(() => {
      if (this.queues.get(requestId) === next) this.queues.delete(requestId);
    });
    return Promise.resolve();
  }

  /** Waits until every queued send has been made (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /** Teams user ids ("29:…") of everyone who should see live updates of the request: requester and approvers. */
  refreshUserIds(request: AccessRequest): Promise<string[]> {
    return this.refreshList.of(request);
  }

  /** The outbox sender calls these and waits: a message is done once they resolve. */
  approvalRequested(request: AccessRequest, delivery: Delivery): Promise<void> {
    return this.sendApprovalCards(request, delivery);
  }

  requestChanged(request: AccessRequest, delivery: Delivery): Promise<void> {
    return this.showChange(request, delivery);
  }

  /** A message for the requester alone, in their chat and language; `key` tells it apart from their other messages of one delivery. */
  async toRequester(request: AccessRequest, content: (locale: Locale) => Partial<Activity> | string, delivery: Delivery, key = 'requester'): Promise<void> {
    if (delivery.has(key)) return;
    const conversation = await this.conversation(request.requester.id);
    if (!conversation) return;
    const activity = content(conversation.locale);
    await this.inConversation(conversation.reference, (context) => context.sendActivity(activity).then(() => undefined));
    await delivery.sent(key);
  }

  /** accessRequestCard, rendered once per request version, viewer and refresh list (the card is made from nothing else). */
  private cardFor(request: AccessRequest, viewer: Viewer, refresh: readonly string[]): AdaptiveCardJson {
    const key = JSON.stringify([request.id, request.version, viewer.userId, viewer.isApprover, viewer.locale, viewer.languageTag ?? null, refresh]);
    const kept = this.rendered.get(key);
    if (kept) return kept;
    const card = accessRequestCard(request, viewer, refresh);
    keepBounded(this.rendered, key, card, RENDERED_CARDS);
    return card;
  }

  /** Where the person can be reached; a chat forgotten as closed (no reference) is none. */
  private async conversation(userId: string): Promise<StoredConversation | undefined> {
    const conversation = await this.options.store.conversations.get(userId);
    return conversation?.reference ? conversation : undefined;
  }

  /**
   * A message for every approver (the partner's admins among them), each in their own language: in the approvals
   * channel when there is one, else in each approver's 1:1 chat. Not about one request (a customer, the sign-in).
   */
  toApprovers(content: (locale: Locale) => string, except?: string): Promise<void> {
    return this.enqueue('approvers', async () => {
      const channel = this.options.approvalChannel ? await this.conversation(channelKey(this.options.approvalChannel)) : undefined;
      if (channel) {
        await this.inConversation(channel.reference, (context) => context.sendActivity(content(channel.locale)).then(() => undefined));
        return;
      }
      const approvers = [...(await this.options.approverIds())].filter((id) => id !== except?.toLowerCase());
      const sends = approvers.map(async (approverId) => {
        const conversation = await this.conversation(approverId);
        if (!conversation) {
          this.options.logger.warn({ approverId }, 'approver has no known 1:1 chat with the bot; not told');
          return;
        }
        await this.inConversation(conversation.reference, (context) => context.sendActivity(content(conversation.locale)).then(() => undefined));
      });
      const results = await Promise.allSettled(sends);
      for (const result of results) {
        if (result.status === 'rejected') {
          const reason: unknown = result.reason;
          this.options.logger.warn({ err: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason) }, 'message to approvers not delivered');
        }
      }
    });
  }

  /** To the requester, in their chat and language: whose role ends, and when (in the zone the request was made in). */
  expiryReminder(request: AccessRequest, delivery: Delivery): Promise<void> {
    const expiresAt = request.expiresAt;
    if (expiresAt === undefined) return Promise.resolve();
    return this.toRequester(request, (locale) => {
      const endsAt = formatEnd(new Date(expiresAt), locale, request.timeZone);
      return messagesFor(locale).expiry.reminder(inertName(request.principal.displayName), inertName(request.role.name), inertName(request.subscription.name), endsAt);
    }, delivery);
  }

  private async sendApprovalCards(confirmed: AccessRequest, delivery: Delivery): Promise<void> {
    const request = (await this.options.store.requests.get(confirmed.id)) ?? confirmed;
    const refresh = await this.refreshUserIds(request);
    const channel = this.options.approvalChannel ? await this.conversation(channelKey(this.options.approvalChannel)) : undefined;
    if (channel) {
      if (delivery.has(channel.userId)) return;
      // One card in the channel; approvers get their own view through refresh, and the server decides on every click.
      await this.sendCard(request, channel.userId, channel, refresh, delivery);
      return;
    }
    if (this.options.approvalChannel) this.options.logger.warn({ requestId: request.id }, 'the approvals channel is not known yet (add the bot to its team); approvers are notified in 1:1 chats');
    const others = [...(await this.options.approverIds())].filter((approverId) => approverId !== request.requester.id.toLowerCase());
    // Reached on an earlier try (before a restart) counts: the requester is told only when nobody ever got the card.
    let reached = others.some((approverId) => delivery.has(approverId));
    const sends = others
      .filter((approverId) => !delivery.has(approverId))
      .map(async (approverId) => {
        const conversation = await this.conversation(approverId);
        if (!conversation) {
          this.options.logger.warn({ requestId: request.id, approverId }, 'approver has no known 1:1 chat with the bot; not notified');
          return;
        }
        await this.sendCard(request, approverId, conversation, refresh, delivery);
        reached = true;
      });
    // A failure worth trying again throws here: the requester hears nothing until the outcome is known.
    await this.settle(sends, request, 'approval card');
    if (reached) return;
    this.options.logger.warn({ requestId: request.id, approvers: others.length }, 'no approver could be shown the request; the requester is told');
    const m = (locale: Locale) => messagesFor(locale).noApproverReached(inertName(request.principal.displayName), inertName(request.role.name), inertName(request.subscription.name), this.options.approvalChannel !== undefined);
    await this.toRequester(request, m, delivery, 'no_approver');
  }

  /**
   * An approver's chat (or the approvals channel) became known after the request went out: the card, if the request
   * still waits for a decision and no card of it shows there or in the approvals channel (every approver's) already.
   */
  async approvalForApprover(stale: AccessRequest, recipient: string, delivery: Delivery): Promise<void> {
    if (delivery.has(recipient)) return;
    const request = (await this.options.store.requests.get(stale.id)) ?? stale;
    if (request.state !== 'pending_approval' || recipient.toLowerCase() === request.requester.id.toLowerCase()) return;
    const channel = this.options.approvalChannel ? channelKey(this.options.approvalChannel) : undefined;
    if ((await this.options.store.cards.list(request.id)).some((card) => card.userId === recipient || card.userId === channel)) return;
    if (recipient !== channel && !(await this.options.approverIds()).has(recipient)) return;
    const conversation = await this.conversation(recipient);
    // This message is recorded just before the chat is stored: thrown, it is tried again once the chat is there.
    if (!conversation) throw new Error(`${recipient} has no stored chat yet`);
    this.refreshList.met(recipient);
    await this.sendCard(request, recipient, conversation, await this.refreshUserIds(request), delivery);
  }

  /** The approval card in one approver's chat (or the approvals channel), recorded with where it shows. */
  private async sendCard(request: AccessRequest, recipient: string, conversation: StoredConversation, refresh: readonly string[], delivery: Delivery): Promise<void> {
    const card = this.cardFor(request, { userId: recipient, isApprover: true, locale: conversation.locale }, refresh);
    try {
      await this.inConversation(conversation.reference, async (context) => {
        const sent = await context.sendActivity(MessageFactory.attachment(asAttachment(card)));
        const conversationId = context.activity.conversation?.id;
        await delivery.sent(recipient, sent?.id && conversationId ? { requestId: request.id, userId: recipient, conversationId, activityId: sent.id, role: 'approver' } : undefined);
      });
    } catch (error) {
      // Forgotten before the message is done: a crash in between sends the card again, and forgets then.
      if (closedForGood(error) && !recipient.startsWith('channel:')) await this.options.onChatGone?.(recipient, conversation.reference);
      throw error;
    }
  }

  /** Cards show the request as stored now (the newest state); the outcome is told for the change that happened. */
  private async showChange(changed: AccessRequest, delivery: Delivery): Promise<void> {
    const request = (await this.options.store.requests.get(changed.id)) ?? changed;
    const refresh = await this.refreshUserIds(request);
    const approvers = await this.options.approverIds();
    const messages = await this.options.store.cards.list(request.id);
    await this.settle(messages.map((message) => this.updateCard(request, message, refresh, message.userId.startsWith('channel:') || approvers.has(message.userId.toLowerCase()))), request, 'card update');
    if (FINAL_STATES.has(changed.state) || changed.state === 'active') await this.tellOutcome(changed, delivery);
  }

  private async updateCard(request: AccessRequest, message: CardMessage, refresh: readonly string[], isApprover: boolean): Promise<void> {
    const conversation = await this.conversation(message.userId);
    if (!conversation) return;
    const viewer = { userId: message.userId, isApprover, locale: conversation.locale };
    const card = this.cardFor(request, viewer, refresh);
    await this.inConversation(conversation.reference, async (context) => {
      await context.updateActivity({ ...MessageFactory.attachment(asAttachment(card)), id: message.activityId, conversation: { ...context.activity.conversation, id: message.conversationId } });
    });
  }

  /** The outcome as a new message to the requester and to every approver who decided, in their language. */
  private async tellOutcome(request: AccessRequest, delivery: Delivery): Promise<void> {
    const deciders = [...request.approvals.map((vote) => vote.by.id), ...(request.rejection ? [request.rejection.by.id] : [])];
    const people = [...new Set([request.requester.id, ...deciders])].filter((id) => !(request.state === 'cancelled' && id === request.requester.id));
    const sends = people.filter((userId) => !delivery.has(userId)).map(async (userId) => {
      const conversation = await this.conversation(userId);
      if (!conversation) return;
      const m = messagesFor(conversation.locale);
      const note = request.state === 'expired'
        ? (request.outcome?.kind === 'already_existed' ? m.expiry.kept : m.expiry.removed)(inertName(request.principal.displayName), inertName(request.role.name), inertName(request.subscription.name))
        : outcomeNote(request, conversation.locale);
      // A refusal's sentence names no one: say which request it is, the requester may have several open.
      const about = NAMELESS_OUTCOMES.has(request.state) ? ` (${m.outcome.about(inertName(request.principal.displayName), inertName(request.role.name), inertName(request.subscription.name))})` : '';
      const text = `${m.card.title}${about} — ${m.state[request.state]}. ${note}`.trim();
      await this.inConversation(conversation.reference, (context) => context.sendActivity(text).then(() => undefined));
      await delivery.sent(userId);
    });
    await this.settle(sends, request, 'outcome message');
  }

  private async inConversation(serializedReference: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const reference = JSON.parse(serializedReference) as Partial<ConversationReference>;
    await this.proactive.continue(reference, logic);
  }

  /**
   * One failed send does not stop the others; each failure is logged. Then, if any failed (other than a chat closed
   * to the bot for good, see closedForGood), the whole message fails: the outbox tries it again later, and whoever
   * already got it is skipped.
   */
  private async settle(sends: Promise<void>[], request: AccessRequest, what: string): Promise<void> {
    const results = await Promise.allSettled(sends);
    let failed = 0;
    for (const result of results) {
      if (result.status === 'rejected') {
        const reason: unknown = result.reason;
        this.options.logger.warn({ requestId: request.id, err: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason) }, `${what} not delivered`);
        if (!closedForGood(reason)) failed += 1;
      }
    }
    if (failed > 0) throw new Error(`${failed} ${what}(s) not delivered for request ${request.id}`);
  }
}
