// The outbox and the card index on Table Storage.
import { odata, type TransactionAction } from '@azure/data-tables';
import type { RequestId } from '../domain/ids';
import type { CardMessageIndex, Outbox, PendingMessage } from './ports';
import { OUTBOX_KINDS, type OutboxKind } from './ports';
import type { CardMessage } from './request-store';
import { indexEnd, indexRow, localOf } from './table-index';
import {
  CARD_ROWS, entityOf, getText, INDEX_PARTITION, keyPart, OUTBOX_INDEX, queryAll, requestPartition, statusOf, stringOf,
  withStore, type Entity, type TableContext,
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

/** Messages whose rows this instance knows (read by pending, or written by delivered): done() deletes them without a query. */
const KNOWN_MESSAGES = 10_000;

export function tableOutbox(context: TableContext): Outbox {
  /** Message id → the RowKeys of the message and of its deliveries, as this instance saw or wrote them. */
  const known = new Map<string, Set<string>>();
  const know = (messageId: string, rowKeys: readonly string[]): void => {
    const rows = known.get(messageId) ?? new Set<string>();
    for (const rowKey of rowKeys) rows.add(rowKey);
    known.delete(messageId);
    known.set(messageId, rows);
    if (known.size > KNOWN_MESSAGES) {
      const oldest = known.keys().next();
      if (oldest.done !== true) known.delete(oldest.value);
    }
  };
  return {
    pending: (limit) => withStore('list pending messages', context.deadline(), async (signal) => {
      if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a whole number >= 0');
      const found: PendingMessage[] = [];
      if (limit === 0) return found;
      const pages = context.client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${INDEX_PARTITION} and RowKey ge ${indexRow(OUTBOX_INDEX, '')} and RowKey lt ${indexEnd(OUTBOX_INDEX)}` },
        abortSignal: signal,
      }).byPage({ maxPageSize: Math.min(1000, Math.max(limit, 10)) });
      for await (const page of pages) {
        const hints = page.map(entityOf).sort((a, b) => compare(a.rowKey, b.rowKey));
        while (hints.length > 0 && found.length < limit) {
          const batch = hints.splice(0, limit - found.length);
          for (const message of await loadMessages(context, batch, signal)) {
            if (!message) continue;
            found.push(message);
            know(message.id, [locate(message.id).rowKey, ...message.delivered.map((recipient) => deliveryRow(message.id, recipient))]);
          }
        }
        if (found.length >= limit) break;
      }
      return found;
    }),

    delivered: (messageId, recipient, card) => withStore('record a delivery', context.deadline(), async (signal) => {
      const { partitionKey } = locate(messageId);
      const delivery = { partitionKey, rowKey: deliveryRow(messageId, recipient), recipient };
      const shown = card ? cardEntity(card, context.stamp()) : undefined;
      if (shown && shown.partitionKey === partitionKey) {
        // One transaction; a card already indexed (a resend after a crash) keeps its place, so it goes again without it.
        const actions: TransactionAction[] = [['upsert', delivery, 'Replace'], ['create', shown]];
        try {
          await context.client.submitTransaction(actions, { abortSignal: signal });
          know(messageId, [delivery.rowKey]);
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
      know(messageId, [delivery.rowKey]);
    }),

    done: (messageId) => withStore('finish a message', context.deadline(), async (signal) => {
      const { partitionKey, rowKey } = locate(messageId);
      const rows = known.get(messageId);
      known.delete(messageId);
      const removeHint = context.client.deleteEntity(INDEX_PARTITION, indexRow(OUTBOX_INDEX, messageId), { abortSignal: signal }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
      // The message and its deliveries are no longer needed once the hint is gone; left behind they are only clutter.
      // The rows this instance read or wrote go in one request; if that fails (one already gone: another instance
      // finished it too) or nothing is known, they are looked up first. A delivery another instance recorded after
      // our read stays behind as clutter (nothing reads a finished message again).
      const lookUpAndRemove = (): Promise<void> => queryAll(context, messageRows(partitionKey, rowKey), signal, [])
        .then((found) => removeAll(context, partitionKey, found.map((row) => row.rowKey), signal));
      const removeRows = (rows ? removeAll(context, partitionKey, [...rows], signal).catch(lookUpAndRemove) : lookUpAndRemove()).catch(() => undefined);
      await Promise.all([removeHint, removeRows]);
    }),
  };
}

/** Deletes rows of one partition, 100 to a transaction (all or nothing each). */
async function removeAll(context: TableContext, partitionKey: string, rowKeys: readonly string[], signal: AbortSignal): Promise<void> {
  for (let start = 0; start < rowKeys.length; start += 100) {
    const actions = rowKeys.slice(start, start + 100).map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]);
    await context.client.submitTransaction(actions, { abortSignal: signal });
  }
}

/** A delivery's row: the message's row, then `|<recipient>`. */
const deliveryRow = (messageId: string, recipient: string): string => `${locate(messageId).rowKey}|${keyPart(recipient)}`;

/**
 * The messages pending hints point to, in hint order (undefined where the message is not there): one query per
 * request partition, however many of its messages are pending (a change and the next one's often are).
 */
async function loadMessages(context: TableContext, hints: readonly Entity[], signal: AbortSignal): Promise<(PendingMessage | undefined)[]> {
  const byPartition = new Map<string, string[]>();
  for (const hint of hints) {
    const partitionKey = stringOf(hint, 'partition');
    const rowKey = stringOf(hint, 'row');
    if (partitionKey && rowKey) byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), rowKey]);
  }
  const rowsOf = new Map<string, Promise<Entity[]>>();
  for (const [partitionKey, rowKeys] of byPartition) {
    const [first, last] = [rowKeys.reduce((a, b) => (a < b ? a : b)), rowKeys.reduce((a, b) => (a > b ? a : b))];
    rowsOf.set(partitionKey, queryAll(context, odata`PartitionKey eq ${partitionKey} and RowKey ge ${first} and RowKey lt ${`${last}}`}`, signal));
  }
  return Promise.all(hints.map(async (hint) => {
    const partitionKey = stringOf(hint, 'partition');
    const rowKey = stringOf(hint, 'row');
    const all = partitionKey && rowKey ? await (rowsOf.get(partitionKey) ?? Promise.resolve([])) : [];
    // `|` ends a message's own RowKey in its deliveries' keys: another message's rows never match.
    return messageOf(context, hint, rowKey === undefined ? [] : all.filter((row) => row.rowKey === rowKey || row.rowKey.startsWith(`${rowKey}|`)));
  }));
}

/** The message a pending hint points to, with whom it already reached; a hint whose message never landed is dropped. */
function messageOf(context: TableContext, hint: Entity, rows: readonly Entity[]): PendingMessage | undefined {
  const rowKey = stringOf(hint, 'row');
  const createdAt = stringOf(hint, 'createdAt') ?? '';
  const message = rows.find((row) => row.rowKey === rowKey);
  const kind = message ? stringOf(message, 'kind') : undefined;
  const payload = message ? getText(message, 'payload') : undefined;
  const requestId = message ? stringOf(message, 'requestId') : undefined;
  if (!message || payload === undefined || requestId === undefined) {
    // Its change may still be on its way (hint first, then the transaction), unless the hint is older than that can take.
    if (!(Date.parse(createdAt) > context.now().getTime() - context.hintGraceInMs)) {
      context.discard([hint]);
    }
    return undefined;
  }
  // A kind this version does not know was written by a newer one: left for it to send.
  if (!isKind(kind)) return undefined;
  return {
    id: localOf(hint.rowKey),
    kind,
    requestId: requestId as RequestId,
    payload: JSON.parse(payload) as Record<string, unknown>,
    createdAt,
    delivered: rows.filter((row) => row !== message).map((row) => stringOf(row, 'recipient') ?? '').filter((recipient) => recipient !== ''),
  };
}
