// Loads the Table Storage store only when STORE asks for it: its SDK and @azure/identity cost start-up time otherwise.
import type * as TableStore from './table-store';

export function loadTableStore(): typeof TableStore {
  // A plain require: the build is CommonJS, and a dynamic import() would go through the ESM loader (and jest's VM).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./table-store') as typeof TableStore;
}
