// What the parser makes of one message: the request read from it, or what is missing, or why it was not read.
import type { Locale } from './access-request';
import type { Duration } from './durations';
import type { TargetReading } from './read-target';

/** Where the role goes: readings of the target phrase (best first) and, when named, a resource group in it. */
export interface TargetPhrase {
  /** Readings of the target phrase, best first (e.g. "Contoso prod" → Contoso/prod, then "Contoso prod"/—). */
  readonly targets: readonly TargetReading[];
  readonly resourceGroup?: string;
}

export interface GrantRequest extends TargetPhrase {
  readonly kind: 'grant';
  readonly locale: Locale;
  readonly principal: string;
  readonly role: string;
  readonly duration?: Duration;
  readonly justification?: string;
  readonly ticket?: string;
}

export interface RevokeRequest extends TargetPhrase {
  readonly kind: 'revoke';
  readonly locale: Locale;
  readonly principal: string;
  /** Absent: every role the principal has there. */
  readonly role?: string;
  /** Why, as written: the approvers read it on the card as for a grant. */
  readonly justification?: string;
  readonly ticket?: string;
}

export interface ListRequest extends TargetPhrase {
  readonly kind: 'list';
  readonly locale: Locale;
  /** "what access does Alice have on …": only this principal's roles. */
  readonly principal?: string;
  /** "who has Owner on …": only this role. */
  readonly role?: string;
}

export type MissingPiece = 'principal' | 'role' | 'target' | 'customer';

export type ParsedMessage =
  | GrantRequest
  | RevokeRequest
  | ListRequest
  | { readonly kind: 'status'; readonly locale: Locale; readonly which: 'mine' | 'pending' }
  /** "extend Alice's access by 4 hours": a time-bound grant in force, kept for longer (a new request, same approvals). */
  | { readonly kind: 'extend'; readonly locale: Locale; readonly principal: string; readonly duration: Duration; readonly targets: readonly TargetReading[] }
  /** "history of Contoso prod": every request the bot handled on that subscription. */
  | ({ readonly kind: 'history'; readonly locale: Locale } & TargetPhrase)
  | { readonly kind: 'help'; readonly locale: Locale }
  /** "send Northwind a relationship request": the invitation alone, without an access request. */
  | { readonly kind: 'relationship_request'; readonly locale: Locale; readonly customer: string }
  | {
      readonly kind: 'missing';
      readonly locale: Locale;
      readonly action: 'grant' | 'revoke' | 'list';
      /** The one piece to ask for (the first one missing, in the order principal, role, target). */
      readonly missing: MissingPiece;
      /** What was understood, so the answer to the question can complete it. */
      readonly partial: Partial<Omit<GrantRequest, 'kind' | 'locale'>>;
    }
  | { readonly kind: 'unclear_duration'; readonly locale: Locale; readonly text: string }
  /** "remove Bob's Reader for 2 hours": a removal is for good; the time written is not dropped but refused, named. */
  | { readonly kind: 'timed_removal'; readonly locale: Locale; readonly text: string }
  /** "give Bob Reader and Alice Owner": one request per message; the second (`text`) is named, not dropped. */
  | { readonly kind: 'several_requests'; readonly locale: Locale; readonly text: string }
  /** Words written and not read (`text`, in `within`): asked back rather than left out of the request. */
  | { readonly kind: 'unread_words'; readonly locale: Locale; readonly text: string; readonly within: string }
  /** More than MAX_MESSAGE_CHARS: not read at all (a request fits in a sentence; the cap bounds the work per message). */
  | { readonly kind: 'message_too_long'; readonly locale: Locale; readonly maxChars: number }
  | { readonly kind: 'not_understood'; readonly locale: Locale };

/** The longest message read, after Teams markup is removed: a request with its reasons fits with room to spare. */
export const MAX_MESSAGE_CHARS = 1_000;
