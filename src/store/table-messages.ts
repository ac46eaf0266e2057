// The outbox, the card index and the conversation directory on Table Storage.
import { odata, type TransactionAction } from '@azure/data-tables';
import type { RequestId } from '../domain/ids';
import type { CardMessageIndex, ConversationDirectory, Outbox, PendingMessage } from './ports';
import { OUTBOX_KINDS, type OutboxKind } from './ports';
import type { CardMessage, StoredConversation } from './request-store';
import {
  CARD_ROWS, CONVERSATION_ROW, deleteQuietly, entityOf, getText, keyPart, OUTBOX_INDEX, putText, queryAll, readEntity,
  requestPartition, statusOf, stringOf, withStore, type Entity, type TableContext,
} from './table-support';

export function tableCards(context: TableContext): CardMessageIndex {
  return {
    add: (message) => withStore('add card', context.deadline(), async (signal) => {
      try {
        await context.client.createEntity(cardEntity(message, context.stamp()), { abortSignal: signal });
      } catch (error: unknown) {
        if (statusOf(error) !== 409) throw error; // the same message twice: it keeps its place
      }
    }),
    list: (requestId) => withStore('list cards', context.deadline(), async (signal) => {
      const filter = odata`PartitionKey eq ${requestPartition(requestId)} and RowKey ge ${CARD_ROWS.from} and RowKey lt ${CARD_ROWS.to}`;
      const rows = await queryAll(context, filter, signal);
      rows.sort((a, b) => compare(stringOf(a, 'sentAt') ?? '', stringOf(b, 'sentAt') ?? '') || compare(a.rowKey, b.rowKey));
      return rows.map(toCard);
    }),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function cardEntity(message: CardMessage, sentAt: string): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  return {
    partitionKey: requestPartition(message.requestId),
    rowKey: `${CARD_ROWS.from}${keyPart(message.conversationId)}:${keyPart(message.activityId)}`,
    requestId: message.requestId, userId: message.userId, conversationId: message.conversationId,
    activityId: message.activityId, role: message.role, sentAt,
  };
}

function toCard(entity: Entity): CardMessage {
  return {
    requestId: (stringOf(entity, 'requestId') ?? '') as RequestId,
    userId: stringOf(entity, 'userId') ?? '',
    conversationId: stringOf(entity, 'conversationId') ?? '',
    activityId: stringOf(entity, 'activityId') ?? '',
    role: stringOf(entity, 'role') === 'approver' ? 'approver' : 'requester',
  };
}

/** A message id is its pending hint's RowKey, `<createdAt>|<partition>|<row>`: it says where the message lives. */
function locate(messageId: string): { partitionKey: string; rowKey: string } {
  const [createdAt, partitionKey, rowKey, extra] = messageId.split('|');
  if (!createdAt || !partitionKey || !rowKey || extra !== undefined) throw new RangeError(`not an outbox message id: "${messageId}"`);
  return { partitionKey, rowKey };
}

/** The message and its deliveries (`<row>|<recipient>`): `}` sorts right after `|`. */
const messageRows = (partitionKey: string, rowKey: string): string =>
  odata`PartitionKey eq ${partitionKey} and RowKey ge ${rowKey} and RowKey lt ${`${rowKey}}`}`;

const isKind = (value: string | undefined): value is OutboxKind => OUTBOX_KINDS.some((kind) => kind === value);

export function tableOutbox(context: TableContext): Outbox {
  return {
    pending: (limit) => withStore('list pending messages', context.deadline(), async (signal) => {
      if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0');
      const found: PendingMessage[] = [];
      if (limit === 0) return found;
      const pages = context.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${OUTBOX_INDEX}` },
        abortSignal: signal,
      }).byPage({ maxPageSize: Math.min(1000, Math.max(limit, 10)) });
      for await (const page of pages) {
        const hints = page.map(entityOf).sort((a, b) => compare(a.rowKey, b.rowKey));
        while (hints.length > 0 && found.length < limit) {
          const batch = hints.splice(0, limit - found.length);
          const loaded = await Promise.all(batch.map((hint) => loadMessage(context, hint, signal)));
          for (const message of loaded) if (message) found.push(message);
        }
        if (found.length >= limit) break;
      }
      return found;
    }),

    delivered: (messageId, recipient, card) => withStore('record a delivery', context.deadline(), async (signal) => {
      const { partitionKey, rowKey } = locate(messageId);
      const delivery = { partitionKey, rowKey: `${rowKey}|${keyPart(recipient)}`, recipient };
      const shown = card ? cardEntity(card, context.stamp()) : undefined;
      if (shown && shown.partitionKey === partitionKey) {
        // One transaction; a card already indexed (a resend after a crash) keeps its place, so it goes again without it.
        const actions: TransactionAction[] = [['upsert', delivery, 'Replace'], ['create', shown]];
        try {
          await context.client.submitTransaction(actions, { abortSignal: signal });
          return;
        } catch (error: unknown) {
          if (statusOf(error) !== 409) throw error;
        }
      } else if (shown) {
        // The card is indexed first: a delivery on record whose card is not would never have that card updated.
        try {
          await context.client.createEntity(shown, { abortSignal: signal });
        } catch (error: unknown) {
          if (statusOf(error) !== 409) throw error;
        }
      }
      await context.client.upsertEntity(delivery, 'Replace', { abortSignal: signal });
    }),

    done: (messageId) => withStore('finish a message', context.deadline(), async (signal) => {
      const { partitionKey, rowKey } = locate(messageId);
      const removeHint = context.client.deleteEntity(OUTBOX_INDEX, messageId, { abortSignal: signal }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
      // The message and its deliveries are no longer needed once the hint is gone; left behind they are only clutter.
      const removeRows = queryAll(context, messageRows(partitionKey, rowKey), signal, []).then(async (rows) => {
        for (let start = 0; start < rows.length; start += 100) {
          const actions = rows.slice(start, start + 100).map((row): TransactionAction => ['delete', { partitionKey: row.partitionKey, rowKey: row.rowKey }]);
          await context.client.submitTransaction(actions, { abortSignal: signal });
        }
      }).catch(() => undefined);
      await Promise.all([removeHint, removeRows]);
    }),
  };
}

/** The message a pending hint points to, with whom it already reached; a hint whose message never landed is dropped. */
async function loadMessage(context: TableContext, hint: Entity, signal: AbortSignal): Promise<PendingMessage | undefined> {
  const partitionKey = stringOf(hint, 'partition');
  const rowKey = stringOf(hint, 'row');
  const createdAt = stringOf(hint, 'createdAt') ?? '';
  const rows = partitionKey && rowKey ? await queryAll(context, messageRows(partitionKey, rowKey), signal) : [];
  const message = rows.find((row) => row.rowKey === rowKey);
  const kind = message ? stringOf(message, 'kind') : undefined;
  const payload = message ? getText(message, 'payload') : undefined;
  const requestId = message ? stringOf(message, 'requestId') : undefined;
  if (!message || payload === undefined || requestId === undefined) {
    // Its change may still be on its way (hint first, then the transaction), unless the hint is older than that can take.
    if (!(Date.parse(createdAt) > context.now().getTime() - context.hintGraceInMs)) {
      context.later(() => deleteQuietly(context, OUTBOX_INDEX, hint.rowKey));
    }
    return undefined;
  }
  // A kind this version does not know was written by a newer one: left for it to send.
  if (!isKind(kind)) return undefined;
  return {
    id: hint.rowKey,
    kind,
    requestId: requestId as RequestId,
    payload: JSON.parse(payload) as Record<string, unknown>,
    createdAt,
    delivered: rows.filter((row) => row !== message).map((row) => stringOf(row, 'recipient') ?? '').filter((recipient) => recipient !== ''),
  };
}

export function tableConversations(context: TableContext): ConversationDirectory {
  const partitionOf = (userId: string): string => `u:${keyPart(userId)}`;
  return {
    save: (conversation) => withStore('save conversation', context.deadline(), async (signal) => {
      const entity: Record<string, unknown> = {
        partitionKey: partitionOf(conversation.userId), rowKey: CONVERSATION_ROW, userId: conversation.userId,
        channelUserId: conversation.channelUserId, locale: conversation.locale, updatedAt: conversation.updatedAt,
      };
      putText(entity, 'reference', conversation.reference);
      await context.client.upsertEntity({ ...entity, partitionKey: partitionOf(conversation.userId), rowKey: CONVERSATION_ROW }, 'Replace', { abortSignal: signal });
    }),
    get: (userId) => withStore('get conversation', context.deadline(), async (signal): Promise<StoredConversation | undefined> => {
      const entity = await readEntity(context, partitionOf(userId), CONVERSATION_ROW, signal);
      if (!entity) return undefined;
      return {
        userId,
        channelUserId: stringOf(entity, 'channelUserId') ?? '',
        reference: getText(entity, 'reference') ?? '',
        locale: stringOf(entity, 'locale') === 'fr' ? 'fr' : 'en',
        updatedAt: stringOf(entity, 'updatedAt') ?? '',
      };
    }),
  };
}
