// Fills a Table Storage store (Azurite) with the same partner history as seed-store.ts, through the store's own ports.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestState } from '../../src/domain/access-request';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { openTableStore } from '../../src/store/table-store';
import { seedStore, type SeedPlan, type SeedReport } from './seed-store';

/** How many requests are written at once (Azurite serves one request at a time; more only queue). */
const IN_FLIGHT = 16;

/**
 * The history is made once by seed-store.ts (a SQLite file) and replayed into the table: each request recorded as
 * it is now (as version 1: the Table store creates a request only at version 1), its further audit entries appended
 * to its chain as events, its card messages added, the conversations saved. Everything goes through the ports, so
 * the rows, chains and index hints are exactly what the bot writes; nothing here knows the table's layout.
 */
export async function seedTableStore(connectionString: string, plan: SeedPlan, progress?: (done: number) => void): Promise<SeedReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-table-seed-'));
  const path = join(dir, 'history.db');
  try {
    await seedStore(path, plan);
    const source = openSqliteStore(path);
    const target = await openTableStore({ connectionString, deadlineInMs: 120_000 });
    try {
      const requests = await source.requests.listRequests({});
      const byState: Partial<Record<RequestState, number>> = {};
      let audit = 0;
      let cards = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < requests.length; i = next++) {
          const request = requests[i];
          if (!request) continue;
          const [first, ...rest] = await source.audit.list(request.id);
          if (!first) throw new Error(`seed: request ${request.id} has no audit entry`);
          const entry = ({ event, actor, at, detail }: typeof first) => ({ requestId: request.id, event, actor, at, ...(detail ? { detail } : {}) });
          if (!(await target.changes.record({ request: { ...request, version: 1 }, audit: entry(first) }))) throw new Error(`seed: request ${request.id} exists`);
          for (const later of rest) await target.changes.record({ audit: entry(later) });
          const shown = await source.cards.list(request.id);
          for (const card of shown) await target.cards.add(card);
          byState[request.state] = (byState[request.state] ?? 0) + 1;
          audit += 1 + rest.length;
          cards += shown.length;
          if ((i + 1) % 1000 === 0) progress?.(i + 1);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      // The seeded people's conversations (the file's only other rows), read by id through the port.
      const db = new Database(path, { readonly: true });
      const userIds = db.prepare<[], { user_id: string }>('SELECT user_id FROM conversations').all().map((row) => row.user_id);
      db.close();
      for (const userId of userIds) {
        const conversation = await source.conversations.get(userId);
        if (conversation) await target.conversations.save(conversation);
      }
      return { requests: requests.length, audit, cards, byState, ms: Date.now() - started };
    } finally {
      await Promise.resolve(source.close());
      await target.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
