// Run by sqlite-disk-work.test.ts as a child process: a script that opens a store, writes, closes it and says so.
import { openSqliteStore } from '../../src/store/sqlite-store';
import { makeRequest } from './store-fixtures';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: open-and-close <store path>');
  const store = openSqliteStore(path);
  const request = makeRequest('r-child');
  await store.changes.record({ request, audit: { requestId: request.id, event: 'drafted', actor: 'sam', at: request.createdAt } });
  await store.close();
  console.log('closed');
}

void main();
