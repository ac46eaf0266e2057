// The SQLite store (the default, one machine) against the same store contract as Table Storage.
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { describeStoreContract } from './store-contract';
import { tamper, tempStorePath } from './store-fixtures';

describeStoreContract('SQLite', async () => {
  const file = tempStorePath();
  const opened: Store[] = [openSqliteStore(file.path)];
  const [store] = opened;
  if (!store) throw new Error('not opened');
  return {
    store,
    async another() {
      const instance = openSqliteStore(file.path);
      opened.push(instance);
      return instance;
    },
    tamper: {
      async editEvent(hash, event) {
        tamper(file.path, 'UPDATE audit SET event = ? WHERE hash = ?', event, hash);
      },
      async remove(hash) {
        tamper(file.path, 'DELETE FROM audit WHERE hash = ?', hash);
      },
    },
    async close() {
      for (const instance of opened) await instance.close();
      file.cleanup();
    },
  };
});
