// How the use cases reach people: the Teams layer implements it (approval cards out, cards refreshed, outcomes told).
import type { AccessRequest } from '../domain/access-request';
import type { CardMessageIndex, ConversationDirectory, RequestRepository } from '../store/ports';
import type { CardMessage } from '../store/request-store';

export type { CardMessage, StoredConversation } from '../store/request-store';

/** What a notifier may read to address people and show requests: the newest request, who can be reached, where it shows. */
export interface NotifierReads {
  readonly requests: Pick<RequestRepository, 'get'>;
  readonly conversations: Pick<ConversationDirectory, 'get'>;
  readonly cards: Pick<CardMessageIndex, 'list'>;
}

/**
 * One outbox message being sent: who already got it (a resend after a restart skips them) and a way to record each
 * recipient reached, with the card they now see. The Teams layer records through it and writes nothing itself.
 */
export interface Delivery {
  has(recipient: string): boolean;
  sent(recipient: string, card?: CardMessage): Promise<void>;
}

export interface Notifier {
  /**
   * The request awaits approval: show it to every approver who can be reached. When none can be (no chat with the
   * bot, the app removed, nobody but the requester), the requester is told so, once.
   */
  approvalRequested(request: AccessRequest, delivery: Delivery): Promise<void>;
  /** An approver's chat became known: show them the request if it still awaits approval and they have no card of it. */
  approvalForApprover(request: AccessRequest, approverId: string, delivery: Delivery): Promise<void>;
  /** The request changed: every message that shows it is brought up to date; final outcomes are told. */
  requestChanged(request: AccessRequest, delivery: Delivery): Promise<void>;
  /** Time-bound access ends soon (`request.expiresAt`): the requester is reminded, once. */
  expiryReminder(request: AccessRequest, delivery: Delivery): Promise<void>;
}
