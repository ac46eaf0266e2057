// A second bot instance in miniature: loads the TypeScript store (transpiled on the fly) and appends audit entries
// to a shared file from its own process. Usage: node append-worker.cjs <db path> <worker name> <count> <start at ms>
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script run by plain node: require is how it loads modules */
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

const { openSqliteStore } = require('../../src/store/sqlite-store.ts');
const [path, name, count, startAt] = process.argv.slice(2);
const store = openSqliteStore(path, { busyTimeoutInMs: 20000 });
// Start together, so the appends of the processes really interleave.
const wait = Number(startAt) - Date.now();
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
for (let i = 0; i < Number(count); i++) {
  store.appendAudit({ event: 'approval_recorded', actor: name, at: new Date().toISOString(), detail: { i } });
}
store.close();
