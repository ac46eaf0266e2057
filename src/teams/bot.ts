// The Teams layer: activities in → use cases; results → cards and sentences out. The only place that knows teams-ai.
import { Application, type AdaptiveCard, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { AccessRequest, Locale, PartnerUser } from '../domain/access-request';
import { principalId, requestId } from '../domain/ids';
import { detectLocale } from '../domain/parse-request';
import { localeOf, messagesFor } from '../i18n';
import type { Logger } from '../logger';
import type { ApprovalService, DecisionResult } from '../services/approval';
import type { AccessListingService } from '../services/access-listing';
import type { IntakeResult, IntakeService } from '../services/intake';
import { refusalOf } from '../services/refusals';
import type { TurnRecords } from '../services/turn-records';
import { accessRequestCard, asAttachment, choiceMadeCard, gapSentence, VERBS, type AdaptiveCardJson } from './cards';
import { safeId } from './inbound-activity';
import { accessListCard } from './list-cards';
import { replyFor } from './replies';
import { channelKey, type TeamsNotifier } from './teams-notifier';
import { clockOf, languageTagOf } from './turn-clock';
import { turnLogger } from './turn-logger';
import { inertName } from './user-text';

export interface BotOptions {
  readonly adapter: TeamsAdapter;
  readonly botAppId: string;
  readonly partnerTenantId: string;
  readonly intake: IntakeService;
  readonly listing: AccessListingService;
  readonly approval: ApprovalService;
  readonly notifier: TeamsNotifier;
  /** What a turn records (conversations, the draft's card, refusals): the Teams layer writes nothing itself. */
  readonly records: TurnRecords;
  readonly logger: Logger;
  readonly now: () => Date;
  /** A Teams channel id where approval cards go (instead of approvers' 1:1 chats). */
  readonly approvalChannel?: string;
  /** Per-user message limit (RATE_LIMIT); a refused message gets a polite answer and nothing else. */
  readonly rateLimiter?: { take(userId: string): boolean };
}

/** Only the request id is read from a card action (plus the approver's comment); the rest is the server's. */
const actionData = z.object({
  requestId: z.string().uuid(),
  comment: z.string().trim().max(500).optional(),
});

export const tenantOf = (activity: Partial<Activity>): string | undefined =>
  (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId;

/** The channel an activity belongs to: Teams' channelData.channel.id, else the conversation id without its thread part. */
const channelIdOf = (activity: Partial<Activity>): string | undefined =>
  (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? activity.conversation?.id?.split(';')[0];

const isPersonal = (activity: Partial<Activity>): boolean =>
  activity.conversation?.conversationType === 'personal' || (!activity.conversation?.conversationType && !activity.conversation?.isGroup);

export function createBot(options: BotOptions): Application<TurnState> {
  const { logger, records, approval, notifier } = options;
  const app = new Application<TurnState>({ adapter: options.adapter, botAppId: options.botAppId, startTypingTimer: false, removeRecipientMention: true });

  // Every activity's tenant is checked before anything else is done with it.
  app.turn('beforeTurn', async (context) => {
    const tenant = tenantOf(context.activity);
    if (tenant?.toLowerCase() === options.partnerTenantId.toLowerCase()) {
      await rememberConversation(context);
      return withinRateLimit(context);
    }
    turnLogger(context, logger).warn({ tenant: safeId(tenant) }, 'activity from another tenant refused');
    await records.refused({ event: 'refused_tenant', actor: context.activity.from?.aadObjectId ?? 'unknown', at: options.now().toISOString(), detail: { tenant: tenant ?? null } });
    const m = messagesFor(localeOf(context.activity.locale));
    if (context.activity.type === ActivityTypes.Invoke) await sendInvokeError(context, 403, 'Forbidden', m.wrongTenant);
    else if (context.activity.type === ActivityTypes.Message) await context.sendActivity(m.wrongTenant);
    return false;
  });

  /** Messages (each one a directory search) are limited per user; clicks and installs are not. */
  async function withinRateLimit(context: TurnContext): Promise<boolean> {
    const userId = context.activity.from?.aadObjectId ?? context.activity.from?.id;
    if (context.activity.type !== ActivityTypes.Message || !userId || !options.rateLimiter || options.rateLimiter.take(userId)) return true;
    turnLogger(context, logger).warn({ userId: safeId(userId) }, 'rate limit: message refused');
    const locale = (await records.conversation(userId))?.locale ?? localeOf(context.activity.locale);
    await context.sendActivity(messagesFor(locale).rateLimited);
    return false;
  }

  /** A user's 1:1 chat is remembered from install events and from anything they send there; so is the approvals channel. */
  async function rememberConversation(context: TurnContext): Promise<void> {
    const { activity } = context;
    // Proactive messages are new posts, not replies to whatever activity came last: the reference leaves its id out,
    // so it changes only with the chat itself (and is written once, not on every message).
    const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
    if (options.approvalChannel && channelIdOf(activity) === options.approvalChannel) {
      const channelReference = { ...reference, conversation: { ...reference.conversation, id: options.approvalChannel } };
      await records.remember({ userId: channelKey(options.approvalChannel), channelUserId: '', reference: JSON.stringify(channelReference), locale: localeOf(activity.locale) }, options.now());
    }
    const userId = activity.from?.aadObjectId;
    if (!userId || !activity.from?.id || !isPersonal(activity)) return;
    const locale = activity.type === ActivityTypes.Message && activity.text ? detectLocale(activity.text, localeOf(activity.locale)) : ((await records.conversation(userId))?.locale ?? localeOf(activity.locale));
    await records.remember({ userId, channelUserId: activity.from.id, reference: JSON.stringify(reference), locale }, options.now());
  }

  // Teams sends both installationUpdate and conversationUpdate on install: greet once, on the bot's own arrival.
  app.conversationUpdate('membersAdded', async (context) => {
    const botWasAdded = context.activity.membersAdded?.some((member) => member.id === context.activity.recipient?.id);
    if (botWasAdded) await context.sendActivity(messagesFor(localeOf(context.activity.locale)).welcome);
  });
  app.activity(ActivityTypes.InstallationUpdate, async () => undefined);

  app.activity(ActivityTypes.Message, async (context) => {
    const { activity } = context;
    const fallback = localeOf(activity.locale);
    const requester = partnerUserOf(activity);
    if (!requester) {
      await context.sendActivity(messagesFor(fallback).notIdentified);
      return;
    }
    await answerIntake(context, requester, await options.intake.submit(activity.text ?? '', requester, fallback, clockOf(activity)));
  });

  /** What the bot says to an intake result: a confirmation card, a question, a list, or a sentence. */
  async function answerIntake(context: TurnContext, requester: PartnerUser, result: IntakeResult): Promise<void> {
    const { activity } = context;
    if (result.kind === 'list') {
      let listing;
      try {
        listing = await options.listing.list(result, { ...(result.user ? { user: result.user } : {}), ...(result.role ? { role: result.role } : {}) });
      } catch (error) {
        // ARM refusing to show the assignments is an answer (who may read them), never "something went wrong".
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        const gap = { kind: 'refused' as const, service: refusal.service, code: refusal.code ?? String(refusal.statusCode ?? refusal.reason) };
        await context.sendActivity(gapSentence(gap, { customer: inertName(result.customer.companyName), subscription: inertName(result.subscription.displayName) }, result.locale));
        return;
      }
      await context.sendActivity(MessageFactory.attachment(asAttachment(accessListCard(listing, result.locale))));
      return;
    }
    if (result.kind !== 'draft') {
      const isApprover = result.kind === 'status' && result.which === 'pending' ? await approval.isApprover(requester.id) : false;
      // Lists show dates in the viewer's own zone and language, as Teams reports them.
      const { timeZone } = clockOf(activity);
      await context.sendActivity(replyFor(result, isApprover, { ...languageTagOf(activity), ...(timeZone ? { timeZone } : {}) }));
      return;
    }
    const card = accessRequestCard(result.request, { userId: requester.id, isApprover: await approval.isApprover(requester.id), locale: result.request.locale, ...languageTagOf(activity) }, await notifier.refreshUserIds(result.request));
    const sent = await context.sendActivity(MessageFactory.attachment(asAttachment(card)));
    if (sent?.id && activity.conversation?.id) {
      await records.cardShown({ requestId: result.request.id, userId: requester.id, conversationId: activity.conversation.id, activityId: sent.id, role: 'requester' });
    }
  }

  // A choice card's button: the server kept the rewritten request under the button's id; the clicker must be the
  // person it was offered to. The choice card turns into a record of the choice; the answer follows as a message.
  app.adaptiveCards.actionExecute(VERBS.choose, (context, _state, data: unknown) =>
    answer(context, async () => {
      const parsed = actionData.safeParse(data);
      const user = partnerUserOf(context.activity);
      const locale = localeOf(context.activity.locale);
      if (!parsed.success || !user) return refuseAction(context, VERBS.choose, locale);
      const chosen = await options.intake.choose(parsed.data.requestId, user, locale, clockOf(context.activity));
      if (!chosen) return messagesFor(locale).refusal.invalid_action;
      // The cloud did not answer: the choice card stays as it is (its buttons still work), the answer says to retry.
      if (chosen.result.kind === 'cloud_unavailable') return messagesFor(chosen.result.locale).cloudUnavailable(chosen.result.service);
      await answerIntake(context, user, chosen.result);
      return choiceMadeCard(chosen.choice, locale);
    }),
  );

  type Decide = (id: ReturnType<typeof requestId>, user: PartnerUser, comment?: string) => Promise<DecisionResult>;
  const decisions: [string, Decide][] = [
    [VERBS.confirm, (id, user) => approval.confirm(id, user)],
    [VERBS.cancel, (id, user) => approval.cancel(id, user)],
    [VERBS.approve, (id, user, comment) => approval.approve(id, user, comment)],
    [VERBS.reject, (id, user, comment) => approval.reject(id, user, comment)],
  ];
  for (const [verb, decide] of decisions) {
    app.adaptiveCards.actionExecute(verb, (context, _state, data: unknown) =>
      answer(context, async () => {
        const parsed = actionData.safeParse(data);
        const user = partnerUserOf(context.activity);
        const locale = localeOf(context.activity.locale);
        if (!parsed.success || !user) return refuseAction(context, verb, locale);
        const result = await decide(requestId(parsed.data.requestId), user, parsed.data.comment);
        const request = result.request;
        if (!request) return messagesFor(locale).refusal[!result.ok && result.reason === 'store_unavailable' ? 'store_unavailable' : 'not_found'];
        const notice = result.ok ? undefined : refusalNotice(result.reason, request, locale);
        return viewFor(context, request, user, notice);
      }),
    );
  }

  app.adaptiveCards.actionExecute(VERBS.refresh, (context, _state, data: unknown) =>
    answer(context, async () => {
      const parsed = actionData.safeParse(data);
      const user = partnerUserOf(context.activity);
      const locale = localeOf(context.activity.locale);
      if (!parsed.success || !user) return refuseAction(context, VERBS.refresh, locale);
      const request = await approval.find(requestId(parsed.data.requestId));
      if (!request) return messagesFor(locale).refusal.not_found;
      // A card forwarded or seen in a channel carries its id: its current state goes only to its requester and to
      // the people the policy answers about access (requesters, approvers), like every other answer about access.
      if (request.requester.id !== user.id && !(await options.intake.mayRead(user.id))) return refuseAction(context, VERBS.refresh, locale);
      return viewFor(context, request, user);
    }),
  );

  // Any other verb is refused (and audited), never guessed.
  app.adaptiveCards.actionExecute(/.*/, (context) =>
    answer(context, async () => refuseAction(context, String((context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb ?? ''), localeOf(context.activity.locale))),
  );

  // Every other invoke (a malformed Action.Execute, task modules, message extensions, sign-in, file consent, names
  // Teams adds later) gets HTTP 200 and a body of the shape its kind expects, never botbuilder's 501: this bot has
  // no dialogs, no search and no sign-in, so the answer says where to write instead.
  app.activity(ActivityTypes.Invoke, async (context) => {
    const name = String(context.activity.name ?? '');
    const m = messagesFor(localeOf(context.activity.locale));
    turnLogger(context, logger).info({ invoke: safeId(name) }, 'invoke not handled: answered 200');
    if (name === 'adaptiveCard/action') {
      await sendInvokeBody(context, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: await refuseAction(context, '', localeOf(context.activity.locale)) });
    } else if (name.startsWith('task/')) await sendInvokeBody(context, { task: { type: 'message', value: m.invokeNotSupported } });
    else if (name.startsWith('composeExtension/')) await sendInvokeBody(context, { composeExtension: { type: 'message', text: m.invokeNotSupported } });
    else await sendInvokeBody(context, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: m.invokeNotSupported });
  });

  app.error(async (context, error) => {
    turnLogger(context, logger).error({ err: { name: error.name, message: error.message } }, 'turn failed');
    const m = messagesFor(localeOf(context.activity.locale));
    if (context.activity.type === ActivityTypes.Invoke) await sendInvokeError(context, 500, 'InternalError', m.internalError);
    else await context.sendActivity(m.internalError);
  });

  async function viewFor(context: TurnContext, request: AccessRequest, user: PartnerUser, notice?: string): Promise<AdaptiveCard> {
    const locale = (await records.conversation(user.id))?.locale ?? localeOf(context.activity.locale);
    const card: AdaptiveCardJson = accessRequestCard(request, { userId: user.id, isApprover: await approval.isApprover(user.id), locale, ...languageTagOf(context.activity) }, await notifier.refreshUserIds(request), notice);
    return card as AdaptiveCard;
  }

  async function refuseAction(context: TurnContext, verb: string, locale: Locale): Promise<string> {
    await records.refused({ event: 'refused_action', actor: context.activity.from?.aadObjectId ?? 'unknown', at: options.now().toISOString(), detail: { verb: verb.slice(0, 40) } });
    return messagesFor(locale).refusal.invalid_action;
  }

  return app;
}

/** Why a click changed nothing; when the request was already decided, how and by whom. */
function refusalNotice(reason: Exclude<DecisionResult, { ok: true }>['reason'], request: AccessRequest, locale: Locale): string {
  const m = messagesFor(locale);
  if (reason !== 'not_allowed_in_state' || !DECIDED.has(request.state)) return m.refusal[reason];
  const deciders = decidersOf(request).map(inertName);
  return deciders.length > 0 ? m.refusal.alreadyDecidedBy(m.state[request.state], deciders.join(', ')) : m.refusal.alreadyDecided(m.state[request.state]);
}

/** States a decision (or its absence) put the request in: a late click is told which. */
const DECIDED: ReadonlySet<AccessRequest['state']> = new Set(['approved', 'provisioning', 'active', 'failed', 'expired', 'revoked', 'rejected', 'cancelled', 'timed_out']);

/**
 * Who made the decision the request's state says: the rejecter, the requester who cancelled, or the approvers of an
 * approved grant. Nobody for a time-out, nor for an end (expired, revoked) that approvers did not decide: an approver
 * who voted before a cancellation or a time-out is not who ended it.
 */
function decidersOf(request: AccessRequest): string[] {
  switch (request.state) {
    case 'rejected':
      return request.rejection ? [request.rejection.by.name] : [];
    case 'cancelled':
      return request.cancelledBy ? [request.cancelledBy.name] : [];
    case 'approved':
    case 'provisioning':
    case 'active':
    case 'failed':
      return request.approvals.map((vote) => vote.by.name);
    default:
      return [];
  }
}

function partnerUserOf(activity: Partial<Activity>): PartnerUser | undefined {
  const id = activity.from?.aadObjectId;
  return id ? { id: principalId(id), name: activity.from?.name || id } : undefined;
}

/**
 * Answers an Action.Execute invoke ourselves: the clicker gets their own view of the card in the invoke response.
 * (teams-ai would otherwise also PUT that view over the message for everyone; our notifier updates every stored
 * message with each viewer's own view instead.)
 */
async function answer(context: TurnContext, produce: () => Promise<AdaptiveCard | string>): Promise<AdaptiveCard | string> {
  const result = await produce();
  const body =
    typeof result === 'string'
      ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: result }
      : { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: result };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
  return result;
}

async function sendInvokeBody(context: TurnContext, body: Record<string, unknown>): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

async function sendInvokeError(context: TurnContext, statusCode: number, code: string, message: string): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } } },
  });
}
