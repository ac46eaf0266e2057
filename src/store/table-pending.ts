// Pending answers on Table Storage: one entity per key, taken by a delete on its ETag, so only one taker gets it.
import type { PendingAnswers } from './ports';
import { getText, keyPart, putText, readEntity, statusOf, stringOf, withStore, type TableContext } from './table-support';

const PENDING_ROW = 'pending';
const partitionOf = (key: string): string => `p:${keyPart(key)}`;

export function tablePending(context: TableContext): PendingAnswers {
  return {
    put: (key, value, expiresAt) => withStore('keep a pending answer', context.deadline(), async (signal) => {
      const entity: Record<string, unknown> = { partitionKey: partitionOf(key), rowKey: PENDING_ROW, expiresAt: new Date(expiresAt).toISOString() };
      putText(entity, 'value', JSON.stringify(value));
      await context.client.upsertEntity({ ...entity, partitionKey: partitionOf(key), rowKey: PENDING_ROW }, 'Replace', { abortSignal: signal });
    }),
    take: (key, now) => withStore('take a pending answer', context.deadline(), async (signal) => {
      const entity = await readEntity(context, partitionOf(key), PENDING_ROW, signal);
      if (!entity) return undefined;
      try {
        await context.client.deleteEntity(partitionOf(key), PENDING_ROW, { etag: entity.etag, abortSignal: signal });
      } catch (error: unknown) {
        // Another instance (or a second click) took it first.
        if (statusOf(error) === 404 || statusOf(error) === 412) return undefined;
        throw error;
      }
      const expiresAt = stringOf(entity, 'expiresAt');
      const text = getText(entity, 'value');
      if (expiresAt === undefined || expiresAt < new Date(now).toISOString() || text === undefined) return undefined;
      return JSON.parse(text) as Record<string, unknown>;
    }),
  };
}
