// What a turn records, for the Teams layer (which writes nothing itself): where each person can be reached, the
// card a draft shows on, refused activities. None of these may fail a turn: a store error is logged and the turn goes on.
import type { CardMessageIndex, ChangeLog, ConversationDirectory } from '../store/ports';
import type { AuditEntry, CardMessage, StoredConversation } from '../store/request-store';

export interface TurnRecordsDependencies {
  readonly conversations: ConversationDirectory;
  readonly cards: CardMessageIndex;
  readonly changes: ChangeLog;
  readonly onError: (error: unknown, what: string) => void;
  /** People remembered in memory (to skip writing what did not change). Default 10,000. */
  readonly cacheSize?: number;
  /**
   * Someone whose chat the store does not hold yet (their first message or install, on any instance). `before` runs
   * before the chat is stored, so that a failure or a crash in between leaves them unknown and it runs again at their
   * next turn; it says whether something now waits for the chat, and `after` runs once the chat is stored then.
   */
  readonly newcomer?: { before(userId: string): Promise<boolean>; after(): void };
}

/** The store could not say whether it holds a conversation. */
const NOT_READ = Symbol('not read');

const same = (a: StoredConversation, b: Omit<StoredConversation, 'updatedAt'>): boolean =>
  a.channelUserId === b.channelUserId && a.reference === b.reference && a.locale === b.locale;

export class TurnRecords {
  /** The last conversation stored or read per person, newest last (a small LRU). */
  private readonly known = new Map<string, StoredConversation>();

  constructor(private readonly deps: TurnRecordsDependencies) {}

  /** The person's conversation as last stored; undefined when unknown or when the store cannot say. */
  async conversation(userId: string): Promise<StoredConversation | undefined> {
    const found = this.known.get(userId) ?? (await this.stored(userId));
    return found === NOT_READ ? undefined : found;
  }

  /**
   * Stores where the person can be reached, only when that changed (one write per new chat or language, not per
   * message). With `newcomer`, a person not in memory is looked up first (once per process) to tell a new chat.
   */
  async remember(conversation: Omit<StoredConversation, 'updatedAt'>, at: Date): Promise<void> {
    const known = this.known.get(conversation.userId) ?? (this.deps.newcomer ? await this.stored(conversation.userId) : undefined);
    if (known !== undefined && known !== NOT_READ && same(known, conversation)) return;
    // A chat forgotten as closed to the bot (the app removed, then added again) counts as new.
    const newcomer = known === undefined || (known !== NOT_READ && known.reference === '') ? this.deps.newcomer : undefined;
    let waits = false;
    try {
      waits = (await newcomer?.before(conversation.userId)) ?? false;
    } catch (error) {
      this.deps.onError(error, 'new chat not remembered (what waits for it was not recorded); tried again at its next turn');
      return;
    }
    const stored = { ...conversation, updatedAt: at.toISOString() };
    try {
      await this.deps.conversations.save(stored);
      this.keep(stored);
    } catch (error) {
      this.deps.onError(error, 'conversation not remembered');
      return;
    }
    if (waits) newcomer?.after();
  }

  /**
   * The person's chat refused a message for good (found by a send): kept without its reference, their language
   * kept, so that their next turn counts as a new chat. Left alone when it changed since (they came back already).
   */
  async forget(userId: string, reference: string, at: Date): Promise<void> {
    try {
      const stored = await this.deps.conversations.get(userId);
      if (stored?.reference !== reference) return;
      const gone = { ...stored, channelUserId: '', reference: '', updatedAt: at.toISOString() };
      await this.deps.conversations.save(gone);
      this.keep(gone);
    } catch (error) {
      this.deps.onError(error, 'closed chat not forgotten');
    }
  }

  /** The person's conversation in the store (kept in memory when there is one). */
  private async stored(userId: string): Promise<StoredConversation | undefined | typeof NOT_READ> {
    try {
      const stored = await this.deps.conversations.get(userId);
      if (stored) this.keep(stored);
      return stored;
    } catch (error) {
      this.deps.onError(error, 'conversation not read');
      return NOT_READ;
    }
  }

  /** The requester's draft card, so later changes update it. */
  async cardShown(card: CardMessage): Promise<void> {
    try {
      await this.deps.cards.add(card);
    } catch (error) {
      this.deps.onError(error, 'card message not recorded');
    }
  }

  /** An activity refused before any use case ran (another tenant, an unknown or forged action). */
  async refused(entry: AuditEntry): Promise<void> {
    try {
      await this.deps.changes.record({ audit: entry });
    } catch (error) {
      this.deps.onError(error, 'refusal not recorded');
    }
  }

  private keep(conversation: StoredConversation): void {
    this.known.delete(conversation.userId);
    this.known.set(conversation.userId, conversation);
    if (this.known.size > (this.deps.cacheSize ?? 10_000)) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }
}
