// The conversation directory on Table Storage, with a few seconds' read-through: a turn and its sends ask for the same people.
import { performance } from 'node:perf_hooks';
import type { ConversationDirectory } from './ports';
import type { StoredConversation } from './request-store';
import { CONVERSATION_ROW, getText, keyPart, putText, readEntity, stringOf, withStore, type TableContext } from './table-support';

/*
 * Why a cache here, and why it may: every card a turn or a send shows lists who may refresh it (the requester and
 * every approver: one read each), and each send then reads its recipient again — a "give" read three conversations,
 * an Approve and its sends ~30. What is read is where a person is reached and in which language: no decision rests
 * on it (state changes are compare-and-set on the request), and no write is built on it. A copy is served while it is
 * young: `ttlInMs` for a conversation found, `missTtlInMs` (shorter) for none, so a person who reaches the bot
 * through another instance is known here within that time; what this instance saves is known here at once. Reads of
 * one person already on their way are shared. Ages are real time (performance.now), not the injected clock, which
 * tests hold still: freshness is about other instances' writes, which happen in real time.
 */
export interface ConversationCacheOptions {
  readonly ttlInMs: number;
  readonly missTtlInMs: number;
  /** People kept (the oldest let go first). */
  readonly capacity: number;
}

interface Kept {
  readonly conversation: StoredConversation | undefined;
  readonly at: number;
}

const partitionOf = (userId: string): string => `u:${keyPart(userId)}`;

/** As a read gives it back (a locale the directory does not know reads as English). */
const asRead = (conversation: StoredConversation): StoredConversation => ({
  userId: conversation.userId, channelUserId: conversation.channelUserId, reference: conversation.reference,
  locale: conversation.locale === 'fr' ? 'fr' : 'en', updatedAt: conversation.updatedAt,
});

export function tableConversations(context: TableContext, cache: ConversationCacheOptions): ConversationDirectory {
  const kept = new Map<string, Kept>();
  const reading = new Map<string, Promise<StoredConversation | undefined>>();
  /** Bumped by every save of a person: a read that began before it does not overwrite what was saved. */
  const saves = new Map<string, number>();
  const keep = (userId: string, conversation: StoredConversation | undefined): void => {
    kept.delete(userId);
    kept.set(userId, { conversation, at: performance.now() });
    if (kept.size > cache.capacity) {
      const oldest = kept.keys().next();
      if (oldest.done !== true) {
        kept.delete(oldest.value);
        saves.delete(oldest.value);
      }
    }
  };
  const young = (entry: Kept): boolean => performance.now() - entry.at < (entry.conversation ? cache.ttlInMs : cache.missTtlInMs);

  const read = (userId: string): Promise<StoredConversation | undefined> => withStore('get conversation', context.deadline(), async (signal) => {
    const entity = await readEntity(context, partitionOf(userId), CONVERSATION_ROW, signal);
    if (!entity) return undefined;
    return {
      userId,
      channelUserId: stringOf(entity, 'channelUserId') ?? '',
      reference: getText(entity, 'reference') ?? '',
      locale: stringOf(entity, 'locale') === 'fr' ? 'fr' : 'en',
      updatedAt: stringOf(entity, 'updatedAt') ?? '',
    };
  });

  return {
    save: (conversation) => withStore('save conversation', context.deadline(), async (signal) => {
      const entity: Record<string, unknown> = {
        partitionKey: partitionOf(conversation.userId), rowKey: CONVERSATION_ROW, userId: conversation.userId,
        channelUserId: conversation.channelUserId, locale: conversation.locale, updatedAt: conversation.updatedAt,
      };
      putText(entity, 'reference', conversation.reference);
      saves.set(conversation.userId, (saves.get(conversation.userId) ?? 0) + 1);
      try {
        await context.client.upsertEntity({ ...entity, partitionKey: partitionOf(conversation.userId), rowKey: CONVERSATION_ROW }, 'Replace', { abortSignal: signal });
      } catch (error: unknown) {
        // Whether it landed is unknown: the next get reads the table.
        kept.delete(conversation.userId);
        throw error;
      }
      keep(conversation.userId, asRead(conversation));
    }),
    get: async (userId) => {
      const entry = kept.get(userId);
      if (entry && young(entry)) return entry.conversation;
      const pending = reading.get(userId);
      if (pending) return pending;
      const savesBefore = saves.get(userId) ?? 0;
      const started = read(userId).then((conversation) => {
        if ((saves.get(userId) ?? 0) === savesBefore) keep(userId, conversation);
        return conversation;
      }).finally(() => reading.delete(userId));
      reading.set(userId, started);
      return started;
    },
  };
}
