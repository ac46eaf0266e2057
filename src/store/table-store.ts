// The store on Azure Table Storage (or Cosmos DB for Table): every port, for several bot instances sharing one account.
import { setMaxListeners } from 'node:events';
import { TableClient } from '@azure/data-tables';
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Store } from './ports';
import { tableAudit } from './table-audit';
import { tableChangeLog } from './table-changes';
import { tableConversations } from './table-conversations';
import { tableCards, tableOutbox } from './table-messages';
import { tableLeases } from './table-leases';
import { LeftoverRows } from './table-leftovers';
import type { LayoutOptions, LayoutReport } from './table-migrate';
import { tablePending } from './table-pending';
import { tableRequests } from './table-requests';
import { HeadCache, timeAfter, withStore, type TableContext } from './table-support';
import { upgradeLayout } from './table-upgrade';

/*
 * Partitions. A request's partition holds the request, its whole audit chain and the outbox messages its changes
 * cause, so one change is one entity-group transaction: the request replaced on its ETag (created, for version 1),
 * the audit entry created at the next place in the chain, the messages created. The request entity is also the
 * head of its chain (last seq and hash): every append moves it under its ETag, so of two instances appending at
 * once one loses, re-reads and chains after the other — the chain cannot fork, and a deleted, edited or inserted
 * entry, or a deleted tail, shows when the chain is recomputed against its head. A chain per request is enough
 * because nothing orders one request's history against another's (each change is checked against its own request
 * only), it is the unit a reviewer reads, and it makes requests independent: no two requests ever wait for each
 * other, and a partition stays small (Azure serves ~2,000 entities/s per partition). Entries about no stored request
 * (a refused tenant, an invitation) chain per customer, or in one `partner` chain when they name no customer.
 * What a per-partition chain cannot show is a whole partition removed at once: like the SQLite file deleted
 * whole, that is for the storage account's own protections (soft delete, resource locks, diagnostic logs).
 */

/*
 * Azure Cosmos DB for Table takes the same SDK and endpoints, but not everything this store relies on holds there:
 * - Query results are not returned in PartitionKey/RowKey order (Cosmos FAQ). listDue, the limited listings and the
 *   outbox read the index partition in RowKey order and stop once they have enough (table-index, table-messages); each
 *   page is sorted, pages are not. On Cosmos they would have to read the whole filtered range (due items; one
 *   requester's or customer's hints) and sort it before taking the first ones.
 * - A RowKey holds at most 255 bytes (Table Storage: 1 KiB). Card rows (`k:<conversation>:<activity>`, percent-encoded
 *   Teams ids), outbox hints (`outbox$<time>|<partition>|<row>`, ~110 bytes) and index hints (~130) stay under it for
 *   Teams' ids today, with little margin for the cards.
 * - An entity-group transaction carries at most 2 MB (Table Storage: 4 MB), still 100 operations: a change with its
 *   98 messages, each carrying the request (~1.3 KB, more with a long justification), fits; one near the limits may not.
 * - An entity may be 2 MB (Table Storage: 1 MiB, 252 properties of our own, 64 KiB per string: hence putText's
 *   32K-character parts, which Cosmos does not need but accepts).
 * - Table names are case-sensitive; the default `cspaccessbot` is lower case.
 * - Throughput is provisioned (RU/s): a listing's parallel head reads (table-index) and the hint writes of each
 *   change (four or more, one transaction before its own) are what a turn spends; 429s are retried by the client with
 *   Retry-After. All hints share one logical partition (table-index): ~10,000 RU/s at most, far above our rate.
 */

export type TableStoreTarget =
  /** A shared key or SAS connection string; Azurite's `UseDevelopmentStorage=true` or its explicit form. */
  | { readonly connectionString: string }
  /**
   * https://<account>.table.core.windows.net (or a Cosmos DB Table endpoint) with a token: `credential`, else the
   * managed identity (a user-assigned one when `managedIdentityClientId` is given), else the developer's sign-in.
   */
  | { readonly endpoint: string; readonly credential?: TokenCredential; readonly managedIdentityClientId?: string };

export type TableStoreOptions = TableStoreTarget & {
  /** Default `cspaccessbot`; created if missing. */
  readonly tableName?: string;
  /** How long one port call may take, all its round trips and retries included. Default 10,000. */
  readonly deadlineInMs?: number;
  /** The same for the calls that read across partitions (audit list and verify, request lists). Default 120,000. */
  readonly scanDeadlineInMs?: number;
  /** The client's retries of 408, 429, 5xx and dropped connections (honouring Retry-After). */
  readonly retryOptions?: PipelineRetryOptions;
  readonly clock?: () => Date;
  /** How long an index hint may wait for its change before a reader takes it for a crash's leftover. Default 5 min. */
  readonly hintGraceInMs?: number;
  /** Request partitions whose head (ETag, version, the request) is kept, so most changes need no read first. Default 1,000. */
  readonly headCacheSize?: number;
  /**
   * How long a conversation read or saved here is served without reading it again (table-conversations says why it
   * may): found, default 5,000; not found, default 2,000. 0 reads every time.
   */
  readonly conversationTtlInMs?: number;
  readonly conversationMissTtlInMs?: number;
  /** How long superseded index rows wait to be removed together with others of their partition. Default 1,000. */
  readonly leftoverDelayInMs?: number;
  /** The re-indexing of a table written by earlier code, at open (table-migrate): its lease and its wait. */
  readonly layout?: LayoutOptions;
};

/** The store, and what its open did to bring the table to today's index layout (a line for the caller's log). */
export interface TableStore extends Store {
  readonly layout: LayoutReport;
  /** When the layout is today's: at once, or (layout `upgrading`) once the re-index going on in the background ends. */
  readonly upgraded: Promise<LayoutReport>;
}

const DEFAULT_TABLE = 'cspaccessbot';
const DEFAULT_RETRY: PipelineRetryOptions = { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 };

export async function openTableStore(options: TableStoreOptions): Promise<TableStore> {
  const tableName = options.tableName ?? DEFAULT_TABLE;
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(tableName)) throw new RangeError(`not a table name: "${tableName}" (3-63 letters and digits, a letter first)`);
  const deadlineInMs = options.deadlineInMs ?? 10_000;
  const scanDeadlineInMs = options.scanDeadlineInMs ?? 120_000;
  const client = tableClient(options, tableName);
  const running = new Set<Promise<unknown>>();
  const now = options.clock ?? ((): Date => new Date());
  let lastStamp = '';
  const deadline = (): AbortSignal => callSignal(deadlineInMs);
  const leftovers = new LeftoverRows({ client, deadline }, options.leftoverDelayInMs ?? 1_000);
  const context: TableContext = {
    client,
    now,
    stamp(after = '') {
      lastStamp = timeAfter(now(), after > lastStamp ? after : lastStamp);
      return lastStamp;
    },
    deadline,
    scanDeadline: () => callSignal(scanDeadlineInMs),
    hintGraceInMs: options.hintGraceInMs ?? 5 * 60_000,
    heads: new HeadCache(options.headCacheSize ?? 1_000),
    later(task) {
      const done: Promise<unknown> = task().catch(() => undefined).finally(() => running.delete(done));
      running.add(done);
    },
    discard: (rows) => leftovers.remove(rows),
  };
  await withStore('open', context.deadline(), (signal) => client.createTable({ abortSignal: signal }));
  const leases = tableLeases(context);
  const upgrade = await upgradeLayout(context, leases, options.layout);
  // While a re-index goes on (table-upgrade.ts), the reads that need the index are refused rather than answered short.
  const requests = tableRequests(context);
  const audit = tableAudit(context);
  const outbox = tableOutbox(context);
  return {
    layout: upgrade.atOpen,
    upgraded: upgrade.done,
    requests: {
      ...requests,
      async listByState(states) {
        upgrade.needIndex('listing requests by state');
        return requests.listByState(states);
      },
      async listDue(states, dueBefore, limit) {
        upgrade.needIndex('listing due requests');
        return requests.listDue(states, dueBefore, limit);
      },
      async listRequests(filter) {
        upgrade.needIndex('listing requests');
        return requests.listRequests(filter);
      },
    },
    changes: tableChangeLog(context),
    audit: {
      ...audit,
      async list(filter) {
        // A customer's entries are found through the customer's index (table-audit); one request's or all are not.
        if (typeof filter === 'object' && filter.requestId === undefined && filter.customerTenantId !== undefined) upgrade.needIndex('listing a customer\'s audit entries');
        return audit.list(filter);
      },
    },
    conversations: tableConversations(context, {
      ttlInMs: options.conversationTtlInMs ?? 5_000, missTtlInMs: options.conversationMissTtlInMs ?? 2_000, capacity: 10_000,
    }),
    cards: tableCards(context),
    outbox: {
      ...outbox,
      async pending(limit) {
        upgrade.needMessages('listing pending messages');
        return outbox.pending(limit);
      },
    },
    pending: tablePending(context),
    leases,
    async close(): Promise<void> {
      await upgrade.stop();
      while (running.size > 0) await Promise.all([...running]);
      await leftovers.flush();
    },
  };
}

/** One port call's deadline. Its round trips each listen on it, up to a listing's heads read in parallel (table-index): no leak. */
function callSignal(ms: number): AbortSignal {
  const signal = AbortSignal.timeout(ms);
  setMaxListeners(100, signal);
  return signal;
}

function tableClient(options: TableStoreOptions, tableName: string): TableClient {
  const retryOptions = options.retryOptions ?? DEFAULT_RETRY;
  if ('connectionString' in options) {
    const client = TableClient.fromConnectionString(options.connectionString, tableName, { retryOptions });
    // Plain http only where the connection string itself says so (Azurite on this machine or in a container).
    return client.url.startsWith('http:')
      ? TableClient.fromConnectionString(options.connectionString, tableName, { retryOptions, allowInsecureConnection: true })
      : client;
  }
  const credential = options.credential ?? defaultTableCredential(options.managedIdentityClientId);
  return new TableClient(options.endpoint, tableName, credential, { retryOptions, allowInsecureConnection: options.endpoint.startsWith('http:') });
}

/** The managed identity on Azure (role "Storage Table Data Contributor", no shared key); az login on a workstation. */
export function defaultTableCredential(managedIdentityClientId: string | undefined): TokenCredential {
  if (managedIdentityClientId) return new ManagedIdentityCredential({ clientId: managedIdentityClientId });
  return new DefaultAzureCredential();
}
