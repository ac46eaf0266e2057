// A second bot instance in miniature: loads the TypeScript store (transpiled on the fly) and appends audit entries
// to a shared file from its own process, in rounds: every worker starts round r once all have finished round r - 1
// (a barrier of files, not a clock), then all append their share of the round at once, contending for the lock.
// Usage: node append-worker.cjs <db path> <worker name> <rounds> <per round> <barrier dir> <workers>
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
const { setTimeout: sleep } = require('node:timers/promises');
const [path, name, rounds, perRound, barrier, workers] = process.argv.slice(2);

async function main() {
  const store = openSqliteStore(path, { busyTimeoutInMs: 20000 });
  for (let round = 0; round < Number(rounds); round++) {
    writeFileSync(join(barrier, `${round}.${name}`), '');
    while (readdirSync(barrier).filter((file) => file.startsWith(`${round}.`)).length < Number(workers)) await sleep(2);
    for (let i = 0; i < Number(perRound); i++) {
      // The only way to write an audit entry: a change that touches no request.
      await store.changes.record({ audit: { event: 'approval_recorded', actor: name, at: new Date().toISOString(), detail: { round, i } } });
    }
  }
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
