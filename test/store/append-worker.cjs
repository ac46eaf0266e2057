// A second bot instance in miniature: loads the TypeScript store (transpiled on the fly) and appends audit entries
// to a shared file from its own process. Usage: node append-worker.cjs <db path> <worker name> <count> <barrier dir> <workers>
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script run by plain node: require is how it loads modules */
const { readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

const { openSqliteStore } = require('../../src/store/sqlite-store.ts');
const [path, name, count, barrier, workers] = process.argv.slice(2);
const store = openSqliteStore(path, { busyTimeoutInMs: 20000 });
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
// Start together (a barrier, not a clock: loading can take seconds on a busy machine), so the appends interleave.
writeFileSync(join(barrier, name), '');
while (readdirSync(barrier).length < Number(workers)) pause(5);
for (let i = 0; i < Number(count); i++) {
  store.appendAudit({ event: 'approval_recorded', actor: name, at: new Date().toISOString(), detail: { i } });
  if (i % 10 === 9) pause(1); // give the others a turn at the lock now and then
}
store.close();
