// What the use cases need from durable storage: requests with compare-and-set, conversations, card messages, audit.
import type { AccessRequest, RequestState } from '../domain/access-request';
import type { RequestId } from '../domain/ids';

/** Where a person can be reached proactively: an opaque channel reference plus their channel user id. */
export interface StoredConversation {
  /** Entra object id of the partner user. */
  readonly userId: string;
  /** The channel's own user id (Teams: "29:…"), needed for Universal Actions refresh. */
  readonly channelUserId: string;
  /** The serialized ConversationReference of their 1:1 chat with the bot; opaque to the use cases. */
  readonly reference: string;
  /** The language they last wrote in (or their Teams locale). */
  readonly locale: 'en' | 'fr';
  readonly updatedAt: string;
}

/** A message that shows a request, so it can be updated when the request changes. */
export interface CardMessage {
  readonly requestId: RequestId;
  readonly userId: string;
  readonly conversationId: string;
  readonly activityId: string;
  readonly role: 'requester' | 'approver';
}

export interface AuditEntry {
  readonly requestId?: string;
  readonly event: string;
  readonly actor: string;
  readonly at: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface RequestStore {
  /** Stores a new request; throws if the id exists. */
  insert(request: AccessRequest): void;
  get(id: RequestId): AccessRequest | undefined;
  /** Compare-and-set: stores `next` only if the stored version is still `next.version - 1`. */
  update(next: AccessRequest): boolean;
  listByState(states: readonly RequestState[]): AccessRequest[];

  saveConversation(conversation: StoredConversation): void;
  getConversation(userId: string): StoredConversation | undefined;

  addCardMessage(message: CardMessage): void;
  listCardMessages(requestId: RequestId): CardMessage[];

  appendAudit(entry: AuditEntry): void;
  listAudit(requestId?: string): AuditEntry[];
  close(): void;
}
