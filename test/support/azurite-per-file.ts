// Azurite for the tests of one jest file (a separate module: benches import ./azurite without jest's globals).
import { startAzurite, type Azurite } from './azurite';

/**
 * Azurite for the tests of one file: started before them, stopped after. `azurite()` is the running one;
 * `freshTable(prefix)` names a table no other test (of this file or of a parallel worker) uses.
 */
export function azuriteForThisFile(): { readonly azurite: () => Azurite; readonly freshTable: (prefix: string) => string } {
  let running: Azurite | undefined;
  let tables = 0;
  beforeAll(async () => {
    running = await startAzurite();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    azurite: () => running ?? (() => { throw new Error('Azurite is not started (used outside a test?)'); })(),
    freshTable: (prefix) => `${prefix}${process.pid}x${++tables}`,
  };
}
