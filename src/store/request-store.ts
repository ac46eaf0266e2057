// The store's records: conversations, card messages, audit entries and filters (the ports are in ./ports).
import type { RequestState } from '../domain/access-request';
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

/** What a caller records. The store adds the sequence number, the customer and the hash chain. */
export interface AuditEntry {
  readonly requestId?: string;
  readonly event: string;
  readonly actor: string;
  /** Any ISO 8601 time; stored as UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  readonly at: string;
  /** Must be JSON-serializable; stored and hashed as canonical JSON. */
  readonly detail?: Readonly<Record<string, unknown>>;
  /**
   * The customer the entry is about, for entries without a stored request. When `requestId` names a stored
   * request, the store takes the customer from that request instead (the server decides).
   */
  readonly customer?: AuditCustomer;
}

export interface AuditCustomer {
  readonly tenantId: string;
  readonly name?: string;
}

/** An entry as stored: its place in the chain and the hashes that make edits and deletions detectable. */
export interface StoredAuditEntry extends AuditEntry {
  readonly seq: number;
  /** UTC ISO time, normalised. */
  readonly at: string;
  readonly prevHash: string;
  /** SHA-256 (hex) of the canonical form of this entry, prevHash included. */
  readonly hash: string;
}

/** All given criteria must hold. Entries come oldest first. */
export interface AuditFilter {
  readonly requestId?: string;
  /** Entries at or after this ISO time. */
  readonly since?: string;
  readonly customerTenantId?: string;
  /** Customer name, compared without regard to case. */
  readonly customerName?: string;
  /** Only the last N matching entries (still oldest first), for compact history views. */
  readonly latest?: number;
}

/** All given criteria must hold. Requests come newest first (by last change). */
export interface RequestFilter {
  readonly requesterId?: string;
  readonly customerTenantId?: string;
  readonly subscriptionId?: string;
  readonly states?: readonly RequestState[];
  readonly limit?: number;
}

export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBadSeq: number; readonly reason: string };
