// The SQLite store's disk work kept off users' turns: WAL checkpoints on a worker thread, listings through indexes.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessRequest } from '../../src/domain/access-request';
import { requestId } from '../../src/domain/ids';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer';
import { listRequestsQuery, openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { makeRequest, tempStorePath } from './store-fixtures';

const record = (store: Store, request: AccessRequest) =>
  store.changes.record({ request, audit: { requestId: request.id, event: 'requested', actor: 'sam', at: request.updatedAt } });

async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the SQLite store\'s disk work', () => {
  let file: ReturnType<typeof tempStorePath>;
  beforeEach(() => { file = tempStorePath(); });
  afterEach(() => file.cleanup());

  it('when requests are written, then the WAL is copied into the database file while the bot runs, not only at a commit that fills it', async () => {
    // Arrange: SQLite's own checkpoint would wait for 1,000 pages (~4 MB) of WAL; 40 requests are a few dozen pages.
    const store = openSqliteStore(file.path);
    try {
      const before = statSync(file.path).size;
      // Act
      for (let i = 0; i < 40; i++) await record(store, makeRequest(`r-${i}`, { justification: 'x'.repeat(2000) }));
      // Assert: the database file itself grows (the worker's checkpoint), before any close.
      await until(() => statSync(file.path).size > before + 40 * 2000, 'a checkpoint into the database file');
      expect((await store.requests.get(requestId('r-39')))?.justification).toHaveLength(2000);
    } finally {
      await store.close();
    }
  });

  it('when a script with nothing else to do closes the store, then close() returns (the checkpointer is waited for)', async () => {
    const child = spawnSync(process.execPath, ['-r', join(__dirname, '../component/crash-child-register.cjs'), join(__dirname, 'open-and-close.ts'), file.path], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('closed');
  });

  it('when the checkpointer cannot open the file, then the store is told once (and checkpoints as SQLite does)', async () => {
    const failures: unknown[] = [];
    const checkpointer = startCheckpointer(`${file.path}.missing`, { onFailure: (error) => failures.push(error) });
    await until(() => failures.length > 0, 'the failure');
    await checkpointer.stop();
    expect(failures).toHaveLength(1);
  });

  it.each([
    ['a sales agent\'s own requests', { requesterId: '5a0e0001-0000-4000-8000-000000000001', limit: 10 }, 'requests_requester'],
    ['a customer\'s requests in some states', { customerTenantId: 'C0000000-0000-4000-8000-00000000C001', states: ['active', 'approved'] as const }, 'requests_customer'],
    ['the requests waiting for approval', { states: ['pending_approval'] as const, limit: 50 }, 'requests_due'],
  ])('when listing %s, then SQLite reads them through an index, not across every stored request', async (_what, filter, index) => {
    const store = openSqliteStore(file.path);
    await store.close();
    const query = listRequestsQuery(filter);
    if (!query) throw new Error('no query');
    const db = new Database(file.path, { readonly: true });
    try {
      const plan = db.prepare<(string | number)[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params).map((row) => row.detail);
      expect(plan.join(' | ')).toContain(`USING INDEX ${index}`);
    } finally {
      db.close();
    }
  });
});
