// The store's ports, one per job: requests read, changes written (with their audit entry and outbox), audit, conversations, cards, outbox, leases.
import type { AccessRequest, RequestState } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type {
  AuditEntry, AuditFilter, AuditVerification, CardMessage, RequestFilter, StoredAuditEntry, StoredConversation,
} from './request-store';

/**
 * The store could not be read or written in time (locked by another writer past the deadline, disk full, network
 * store down). Nothing was changed; the one request that needed it answers "I could not record this", others go on.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
  }
}

/** What the outbox sender knows how to deliver. Each names a Notifier / RelationshipNotifier call. */
export const OUTBOX_KINDS = [
  'approval_requested',
  /** One approver whose chat became known after the request went out for approval (payload.approverId). */
  'approval_for_approver',
  'request_changed',
  'expiry_reminder',
  'relationship_invitation',
  'relationship_reminder',
  'relationship_accepted',
  'relationship_waiting',
  'relationship_failed',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** A message to send because of a change; stored with the change, sent after it. */
export interface OutboxMessage {
  readonly kind: OutboxKind;
  readonly requestId: RequestId;
  /**
   * JSON-serializable: the request as of this change (`request`) and whatever else the send needs (an invitation's
   * url, the gap waited for). Sent as written, even if the request has changed since.
   */
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface PendingMessage extends OutboxMessage {
  /** Store-assigned; pending() returns messages in the order their changes were recorded. */
  readonly id: string;
  readonly createdAt: string;
  /** Recipients (user ids, or channel keys) this message already reached: a resend skips them. */
  readonly delivered: readonly string[];
}

/**
 * One state change, written all or nothing: the request as it is after the change (version 1 is a new request;
 * otherwise compare-and-set on `version - 1`), its audit entry, and the messages it causes. Without `request` it
 * is an event about no stored request's state (a refused tenant, a relationship invitation sent): audit and
 * outbox only.
 */
export interface Change {
  readonly request?: AccessRequest;
  readonly audit: AuditEntry;
  readonly outbox?: readonly OutboxMessage[];
}

export interface RequestRepository {
  get(id: RequestId): Promise<AccessRequest | undefined>;
  /** Oldest change first. */
  listByState(states: readonly RequestState[]): Promise<AccessRequest[]>;
  /**
   * Requests in `states` whose due time is at or before `dueBefore` (ISO), oldest due first, at most `limit`.
   * The due time is `dueAtOf(request)` (domain): what periodic jobs look at, through an index — cost grows with
   * what is due, not with history.
   */
  listDue(states: readonly RequestState[], dueBefore: string, limit: number): Promise<AccessRequest[]>;
  /** For "my requests", "pending approvals", "history of Contoso prod". Newest change first. */
  listRequests(filter: RequestFilter): Promise<AccessRequest[]>;
}

export interface ChangeLog {
  /**
   * Writes the change, its audit entry and its outbox messages in one transaction. false (nothing written) when
   * the compare-and-set lost or a version-1 request's id exists. Throws StoreUnavailableError when the store cannot
   * be written; then nothing changed.
   */
  record(change: Change): Promise<boolean>;
}

export interface AuditLog {
  /** A string is a request id. Oldest first. */
  list(filter?: string | AuditFilter): Promise<StoredAuditEntry[]>;
  /** Recomputes the whole chain: detects an edited, deleted, inserted or reordered entry. */
  verify(): Promise<AuditVerification>;
}

export interface ConversationDirectory {
  /** Inserts or replaces the person's (or channel's) conversation. */
  save(conversation: StoredConversation): Promise<void>;
  get(userId: string): Promise<StoredConversation | undefined>;
}

export interface CardMessageIndex {
  /** Every message that shows the request, in the order they were sent. */
  list(requestId: RequestId): Promise<CardMessage[]>;
  /** The card the requester saw their draft on (sent in their turn, not through the outbox). */
  add(message: CardMessage): Promise<void>;
}

export interface Outbox {
  /** Messages not done yet, oldest first, at most `limit`. */
  pending(limit: number): Promise<PendingMessage[]>;
  /** One recipient got the message, and where a card now shows (if it was a card): one write. */
  delivered(messageId: string, recipient: string, card?: CardMessage): Promise<void>;
  /** Every recipient was sent to (or given up on): the message leaves the outbox. */
  done(messageId: string): Promise<void>;
}

/**
 * What the bot waits for from one person for a few minutes: the question it asked back, the choices it offered (by
 * the id their buttons carry). Kept in the store so a restart or another instance can take the answer.
 */
export interface PendingAnswers {
  /** Keeps `value` under `key` until `expiresAt` (ISO), replacing what was there. */
  put(key: string, value: Readonly<Record<string, unknown>>, expiresAt: string): Promise<void>;
  /**
   * Takes the value: it is removed, so two instances (or two clicks) taking one key get it once. undefined when
   * absent or expired at `now` (ISO).
   */
  take(key: string, now: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Who does a job that must not run on two bot instances at once (sending the outbox, a periodic sweep): a named
 * lease with an expiry. A holder that crashes never releases; its lease runs out after its ttl and another takes it.
 * Times are the caller's clock (ISO), so instances' clocks must agree to well within a ttl.
 */
export interface Leases {
  /**
   * Takes `name` for `holder` until `now` + `ttlInMs`: true when it was free, expired at `now`, or already
   * `holder`'s (then renewed); false when another holder has it until after `now`. Of several instances asking at
   * once, at most one gets true. Exception: a holder that is a later process of the same instance
   * (`lease-holder.ts`: after a kill -9 and restart) takes its predecessor's lease at once; never the other way round.
   */
  acquire(name: string, holder: string, ttlInMs: number, now: string): Promise<boolean>;
  /**
   * Frees `name` if `holder` still has it (another's lease, taken after ours ran out, is left alone). Its row stays
   * (run out), so taking it again is one write; `remove`: the row goes too (a one-off claim nobody asks for again).
   */
  release(name: string, holder: string, options?: { readonly remove?: boolean }): Promise<void>;
}

/** Everything durable, one port per job. */
export interface Store {
  readonly requests: RequestRepository;
  readonly changes: ChangeLog;
  readonly audit: AuditLog;
  readonly conversations: ConversationDirectory;
  readonly cards: CardMessageIndex;
  readonly outbox: Outbox;
  readonly pending: PendingAnswers;
  readonly leases: Leases;
  close(): Promise<void>;
}
