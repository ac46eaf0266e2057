// Index rows that no longer count (superseded, abandoned), removed a moment later, many to a request per index partition.
import type { TransactionAction } from '@azure/data-tables';
import { deleteQuietly, type TableContext } from './table-support';

/*
 * Why wait, and why it is safe: a row queued here is already one that every reader skips (its change was superseded,
 * or never landed), so removing it is housekeeping, not part of any change; until it is gone, a listing that meets it
 * re-checks it against the request's head as it always does. Waiting lets the rows of several changes that share an
 * index partition (`due:<state>`, one requester's, one customer's; the three changes of an Approve follow each other
 * within a second) go in one entity-group transaction of deletes instead of one request each. A transaction fails
 * whole if one of its rows is already gone (a reader removed it first): those rows are then deleted one by one.
 */
const PER_TRANSACTION = 100;

export class LeftoverRows {
  private readonly queued = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: Pick<TableContext, 'client' | 'deadline'>,
    private readonly delayInMs: number,
  ) {}

  /** Queues rows for removal; they go within `delayInMs`, or at flush(). */
  remove(rows: readonly { readonly partitionKey: string; readonly rowKey: string }[]): void {
    for (const { partitionKey, rowKey } of rows) {
      const keys = this.queued.get(partitionKey) ?? new Set<string>();
      keys.add(rowKey);
      this.queued.set(partitionKey, keys);
    }
    if (this.queued.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.delayInMs);
      // Housekeeping never keeps a process alive: what is left is skipped by readers and removed by the next one.
      this.timer.unref();
    }
  }

  /** Removes everything queued now; resolves when every removal (queued before or now) has been tried. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.queued].map(([partitionKey, keys]) => ({ partitionKey, rowKeys: [...keys] }));
    this.queued.clear();
    const previous = this.flushing;
    this.flushing = Promise.all([previous, ...batches.map((batch) => this.removeAll(batch.partitionKey, batch.rowKeys))]).then(() => undefined);
    return this.flushing;
  }

  private async removeAll(partitionKey: string, rowKeys: readonly string[]): Promise<void> {
    for (let start = 0; start < rowKeys.length; start += PER_TRANSACTION) {
      const slice = rowKeys.slice(start, start + PER_TRANSACTION);
      if (slice.length > 1 && (await this.inOneTransaction(partitionKey, slice))) continue;
      await Promise.all(slice.map((rowKey) => deleteQuietly(this.context, partitionKey, rowKey)));
    }
  }

  private async inOneTransaction(partitionKey: string, rowKeys: readonly string[]): Promise<boolean> {
    try {
      const actions = rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]);
      await this.context.client.submitTransaction(actions, { abortSignal: this.context.deadline() });
      return true;
    } catch {
      return false;
    }
  }
}
