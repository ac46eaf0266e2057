// What every part of the Table store shares: the key layout, long text split over properties, deadlines, errors.
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { isRestError } from '@azure/core-rest-pipeline';
import type { AccessRequest } from '../domain/access-request';
import { StoreUnavailableError } from './ports';

/*
 * Key layout (one table; an entity-group transaction only spans one PartitionKey of one table):
 *   r:<id>            a request's partition: RowKey `request` (the request, and the head of its audit chain),
 *                     `a:<seq>` its audit entries, `o:<seq>:<write>:<n>` its outbox messages (and `…|<recipient>`
 *                     deliveries), `k:<conversation>:<activity>` the cards that show it.
 *   c:<tenant>        audit entries (and their outbox messages) about a customer but no stored request; head `head`.
 *   partner           the same for entries about no customer at all.
 *   index             every index, RowKey `<index>$<key>` (see table-index): hints that a request is there (re-checked
 *                     on read) in `due:<state>`, `by-requester:<user>`, `by-customer:<tenant>`, `by-state:<state>`;
 *                     and `outbox`, keyed by message id `<createdAt>|<partition>|<row>`, a hint that a message is pending.
 *   u:<user>          RowKey `conversation`: where the person is reached.
 *   schema            RowKey `layout`: the index layout the table is in (table-migrate), `layout-progress` while a
 *                     re-indexing pass runs.
 *   lease:<name>      RowKey `lease`: who holds a lease until when (table-leases).
 * Parts taken from outside data are percent-encoded, so `:` and `|` only ever separate.
 */
export const REQUEST_ROW = 'request';
export const HEAD_ROW = 'head';
export const CONVERSATION_ROW = 'conversation';
export const INDEX_PARTITION = 'index';
/** The index of pending outbox messages (in INDEX_PARTITION). */
export const OUTBOX_INDEX = 'outbox';
export const PARTNER_PARTITION = 'partner';

/** Percent-encodes what a key may not hold (/ \ # ? control characters) and our separators (: |). */
export const keyPart = (value: string): string => encodeURIComponent(value);

export const requestPartition = (id: string): string => `r:${keyPart(id)}`;
export const customerPartition = (tenantId: string): string => `c:${keyPart(tenantId.toLowerCase())}`;

/** Sequence numbers padded so that RowKey order is numeric order. */
export const auditRow = (seq: number): string => `a:${String(seq).padStart(10, '0')}`;
export const AUDIT_ROWS = { from: 'a:', to: 'a;' } as const;
export const CARD_ROWS = { from: 'k:', to: 'k;' } as const;

/** Table Storage keeps at most 32K UTF-16 characters in a string property; longer text goes on in `name_1`, `name_2`… */
const CHUNK = 32_000;

export function putText(entity: Record<string, unknown>, name: string, text: string): void {
  entity[name] = text.slice(0, CHUNK);
  for (let part = 1; part * CHUNK < text.length; part++) entity[`${name}_${part}`] = text.slice(part * CHUNK, (part + 1) * CHUNK);
}

export function getText(entity: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const first = entity[name];
  if (typeof first !== 'string') return undefined;
  let text = first;
  for (let part = 1; ; part++) {
    const next = entity[`${name}_${part}`];
    if (typeof next !== 'string') return text;
    text += next;
  }
}

export const stringOf = (entity: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = entity[name];
  return typeof value === 'string' ? value : undefined;
};

export const numberOf = (entity: Readonly<Record<string, unknown>>, name: string): number | undefined => {
  const value = entity[name];
  return typeof value === 'number' ? value : undefined;
};

/** An entity as read, its keys always present (a query's select names them). */
export interface Entity extends Readonly<Record<string, unknown>> {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly etag: string;
}

export const entityOf = (raw: TableEntityResult<Record<string, unknown>>): Entity => ({
  ...raw, partitionKey: raw.partitionKey ?? '', rowKey: raw.rowKey ?? '', etag: raw.etag,
});

/** The head of a partition's audit chain as last read or written, with the ETag that writes must match. */
export interface ChainHead {
  readonly partitionKey: string;
  /** undefined: the head entity does not exist yet (an empty partition). */
  readonly etag: string | undefined;
  readonly seq: number;
  readonly hash: string;
  /** The last time handed out in this partition (outbox createdAt), so a partition's times never run backwards. */
  readonly at: string;
  /** Request partitions: the request the head entity holds, and the write that stored it. */
  readonly request?: AccessRequest;
  readonly writeId?: string;
}

export function headOf(entity: Entity): ChainHead {
  const body = getText(entity, 'body');
  const writeId = stringOf(entity, 'writeId');
  return {
    partitionKey: entity.partitionKey,
    etag: entity.etag,
    seq: numberOf(entity, 'chainSeq') ?? 0,
    hash: stringOf(entity, 'chainHash') ?? '',
    at: stringOf(entity, 'chainAt') ?? '',
    ...(body !== undefined ? { request: JSON.parse(body) as AccessRequest } : {}),
    ...(writeId !== undefined ? { writeId } : {}),
  };
}

/** Everything the parts of the store share: the client, the clock, the deadline of one call, writes left running. */
export interface TableContext {
  readonly client: TableClient;
  readonly now: () => Date;
  /** A fresh deadline for one port call (all its round trips). */
  readonly deadline: () => AbortSignal;
  /** A longer deadline for the calls that read a whole table (audit verify, list across partitions). */
  readonly scanDeadline: () => AbortSignal;
  /** How long a hint whose write may still be on its way is left alone before it is taken for a crash's leftover. */
  readonly hintGraceInMs: number;
  /** Heads (and their requests) as last seen, so a change usually needs no read first; a stale one costs a retry. */
  readonly heads: HeadCache;
  /**
   * A store time for what is ordered by when it was recorded (outbox messages, cards, audit ties): never earlier
   * than the last one this instance handed out, nor than `after` (+1 ms); across instances, their clocks decide.
   */
  stamp(after?: string): string;
  /** Clean-ups that need not hold up the caller; close() waits for them. */
  later(task: () => Promise<unknown>): void;
  /** Index rows that no longer count (superseded, or their change never landed): removed a moment later, batched (table-leftovers). */
  discard(rows: readonly { readonly partitionKey: string; readonly rowKey: string }[]): void;
}

/** A bounded map, oldest entry out first: the heads of recently touched partitions. */
export class HeadCache {
  private readonly entries = new Map<string, ChainHead>();
  constructor(private readonly capacity: number) {}
  get(partitionKey: string): ChainHead | undefined {
    return this.entries.get(partitionKey);
  }
  set(head: ChainHead): void {
    this.entries.delete(head.partitionKey);
    this.entries.set(head.partitionKey, head);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
  forget(partitionKey: string): void {
    this.entries.delete(partitionKey);
  }
}

export const statusOf = (error: unknown): number | undefined => (isRestError(error) ? error.statusCode : undefined);

/** The service said no for a reason the caller handles (an ETag that moved, a row that exists or does not). */
export const isConflict = (error: unknown): boolean => {
  const status = statusOf(error);
  return status === 404 || status === 409 || status === 412;
};

/**
 * Runs one port call under its deadline. What the service or the network did wrong (after the client's own
 * retries of 408/429/5xx and dropped connections) becomes StoreUnavailableError; our own bugs stay what they are.
 */
export async function withStore<T>(what: string, signal: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await run(signal);
  } catch (error: unknown) {
    if (error instanceof StoreUnavailableError) throw error;
    if (isRestError(error) || (error instanceof Error && error.name === 'AbortError') || signal.aborted) {
      const reason = signal.aborted ? 'deadline passed' : (error instanceof Error ? error.message.split('\n')[0] : String(error));
      throw new StoreUnavailableError(`table store: ${what}: ${reason ?? 'failed'}`, { cause: error });
    }
    throw error;
  }
}

/** The head of a request partition (the request itself), fresh from the table; undefined: no such request. */
export async function readRequestHead(context: TableContext, partitionKey: string, signal: AbortSignal): Promise<ChainHead | undefined> {
  const entity = await readEntity(context, partitionKey, REQUEST_ROW, signal);
  if (!entity) return undefined;
  const head = headOf(entity);
  context.heads.set(head);
  return head;
}

/** getEntity, with a missing row as undefined. */
export async function readEntity(context: TableContext, partitionKey: string, rowKey: string, signal: AbortSignal): Promise<Entity | undefined> {
  try {
    return entityOf(await context.client.getEntity<Record<string, unknown>>(partitionKey, rowKey, { abortSignal: signal }));
  } catch (error: unknown) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Every entity a filter selects, page after page (the service pages by 1000 and by time). */
export async function queryAll(context: TableContext, filter: string, signal: AbortSignal, select?: string[]): Promise<Entity[]> {
  const found: Entity[] = [];
  const pages = context.client.listEntities<Record<string, unknown>>({
    queryOptions: { filter, ...(select ? { select: ['PartitionKey', 'RowKey', ...select] } : {}) },
    abortSignal: signal,
  });
  for await (const entity of pages) found.push(entityOf(entity));
  return found;
}

/** A delete that is only housekeeping: already gone is fine, and a failure leaves a hint that readers skip. */
export async function deleteQuietly(context: Pick<TableContext, 'client' | 'deadline'>, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await context.client.deleteEntity(partitionKey, rowKey, { abortSignal: context.deadline() });
  } catch {
    /* a stale hint is re-checked and removed by the next reader */
  }
}

/** Store time as stored everywhere: UTC ISO with milliseconds, never earlier than `after` (+1 ms). */
export function timeAfter(now: Date, after: string): string {
  const floor = after === '' ? Number.NEGATIVE_INFINITY : Date.parse(after) + 1;
  return new Date(Math.max(now.getTime(), floor)).toISOString();
}
