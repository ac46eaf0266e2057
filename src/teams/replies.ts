// What the bot says to an intake result that is not a draft: a card (help, choices, lists) or a sentence.
import type { Activity } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { messagesFor } from '../i18n';
import type { IntakeResult } from '../services/intake';
import type { Locale } from '../domain/access-request';
import { asAttachment, choiceCard, gapSentence, helpCard, relationshipInvitationCard, type AdaptiveCardJson } from './cards';
import { requestListCard, type ListViewer } from './list-cards';
import { inertName } from './user-text';

type NotDraft = Exclude<IntakeResult, { kind: 'draft' }>;

/**
 * The help card depends on the language alone: expanded from its template once per language, then sent as it is
 * (frozen, so that nothing on the way out can change the copy every later turn sends).
 */
const helpCards = new Map<Locale, AdaptiveCardJson>();
function cachedHelpCard(locale: Locale): AdaptiveCardJson {
  let card = helpCards.get(locale);
  if (!card) {
    card = deepFreeze(helpCard(locale));
    helpCards.set(locale, card);
  }
  return card;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A card (help, choices) or a sentence for anything intake answers without a draft. */
export function replyFor(result: NotDraft, isApprover: boolean, viewer: ListViewer = {}): Partial<Activity> | string {
  const m = messagesFor(result.locale);
  if (result.kind === 'help') return MessageFactory.attachment(asAttachment(cachedHelpCard(result.locale)));
  if (result.kind === 'relationship_invitation') return MessageFactory.attachment(asAttachment(relationshipInvitationCard(result.invitation, result.locale)));
  // A choice card's question is Markdown: the words it repeats (what was typed, a customer's name) are made inert.
  if (result.kind === 'ambiguous') return MessageFactory.attachment(asAttachment(choiceCard(m.resolve.ambiguous[result.what](inertName(result.text), inertName(result.within ?? '')), result.choices, m.resolve.choiceHint)));
  if (result.kind === 'not_found' && result.suggestions.length > 0) {
    return MessageFactory.attachment(asAttachment(choiceCard(`${sentenceFor(inertFields(result))} ${m.resolve.didYouMean}`, result.suggestions, m.resolve.choiceHint)));
  }
  if (result.kind === 'history') {
    const where = `${result.customer.companyName} / ${result.subscription.displayName}`;
    return MessageFactory.attachment(asAttachment(requestListCard(m.lists.historyTitle(where), result.requests, result.locale, viewer)));
  }
  if (result.kind === 'status') {
    if (result.which === 'pending' && !isApprover) return m.resolve.statusOnlyApprovers;
    const title = result.which === 'mine' ? m.lists.mineTitle : m.lists.pendingTitle;
    return MessageFactory.attachment(asAttachment(requestListCard(title, result.requests, result.locale, viewer)));
  }
  return sentenceFor(inertFields(result));
}

/** Fields that carry names or words someone wrote (the others say what the sentence is: kept as they are). */
const NAMES = new Set(['text', 'within', 'customer', 'subscription', 'principal', 'user', 'role', 'where', 'name', 'second']);

/**
 * The result with every name it carries (customer, subscription, user, role, what was typed) made inert: the sentence
 * repeats names written by others (a customer's admin, Partner Center), and Teams reads message text as Markdown.
 */
function inertFields<T extends object>(result: T): T {
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, typeof value === 'string' && NAMES.has(key) ? inertName(value) : value])) as T;
}

function sentenceFor(result: Exclude<NotDraft, { kind: 'help' | 'status' }>): string {
  const m = messagesFor(result.locale);
  switch (result.kind) {
    case 'not_understood':
      return m.notUnderstood;
    case 'missing':
      return result.missing === 'principal' ? m.missingPrincipal : result.missing === 'role' ? m.missingRole : result.missing === 'customer' ? m.resolve.missingCustomer : m.missingTarget;
    case 'unclear_duration':
      return result.problem === 'past' ? m.resolve.pastDate(result.text) : result.problem === 'day_or_month' ? m.resolve.dayOrMonth(result.text) : m.resolve.unclearDuration(result.text);
    case 'timed_removal':
      return m.resolve.timedRemoval(result.text);
    case 'several_requests':
      return m.resolve.severalRequests(result.text);
    case 'unread_words':
      return m.resolve.unreadWords(result.text, result.within);
    case 'message_too_long':
      return m.messageTooLong(result.maxChars);
    case 'not_found':
      switch (result.what) {
        case 'customer':
          return m.notFoundCustomer(result.text);
        case 'subscription':
          return m.notFoundSubscription(result.text, result.within ?? '');
        case 'user':
          return m.notFoundUser(result.text, result.within ?? '');
        case 'role':
          return m.notFoundRole(result.text, result.within ?? '');
      }
      break;
    case 'ambiguous':
      return m.resolve.ambiguous[result.what](result.text, result.within ?? '');
    case 'nothing_to_extend':
      return result.several ? m.extend.several(result.principal) : m.extend.nothing(result.principal);
    case 'nothing_to_revoke':
      return m.revoke.nothing(result.user, result.role, result.where);
    case 'policy_refused':
      return m.policy[result.code](result.role, result.customer, result.maxDurationHours ?? 0);
    case 'not_ready':
      return gapSentence(result.gap, { customer: result.customer, ...(result.subscription ? { subscription: result.subscription } : {}) }, result.locale);
    case 'relationship_exists':
      return m.relationship.exists(result.customer);
    case 'cloud_unavailable':
      return m.cloudUnavailable(result.service);
    case 'not_recorded':
      return m.notRecorded;
  }
  return m.notUnderstood;
}
