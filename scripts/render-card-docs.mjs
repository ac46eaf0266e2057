// `npm run docs:cards`: updates the card pictures in docs/cards/ (the README shows them), on purpose.
// The test run never writes into the checkout, so this script runs test/cards/render-cards.test.ts with CARD_DOCS_OUT
// pointing at a staging folder of its own and, only when every card rendered without a renderer event, makes
// docs/cards/*.png exactly that set: changed pictures rewritten, new ones added, pictures of cards that are gone removed.
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium): without it the run fails instead of skipping.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = path.join(root, 'docs', 'cards');
const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'card-docs-'));
const pngs = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort() : []);

try {
  // CI=true: the test refuses to skip rendering when Chromium is missing.
  const run = spawnSync(process.execPath, [jest, '--runTestsByPath', 'test/cards/render-cards.test.ts'], {
    cwd: root,
    env: { ...process.env, CARD_DOCS_OUT: staging, CI: 'true' },
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`[docs:cards] the card tests failed (exit ${run.status ?? run.signal}): docs/cards/ left as it was.`);
    process.exitCode = 1;
  } else if (pngs(staging).length === 0) {
    console.error('[docs:cards] no card was rendered: docs/cards/ left as it was.');
    process.exitCode = 1;
  } else {
    const rendered = pngs(staging);
    const before = new Set(pngs(docs));
    fs.mkdirSync(docs, { recursive: true });
    const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    for (const file of rendered) {
      const png = fs.readFileSync(path.join(staging, file));
      const target = path.join(docs, file);
      if (!before.has(file)) counts.added += 1;
      else if (fs.readFileSync(target).equals(png)) {
        counts.unchanged += 1;
        continue;
      } else counts.updated += 1;
      fs.writeFileSync(target, png);
    }
    for (const file of before) {
      if (rendered.includes(file)) continue;
      fs.rmSync(path.join(docs, file));
      counts.removed += 1;
    }
    console.log(`[docs:cards] docs/cards/: ${counts.updated} updated, ${counts.added} added, ${counts.removed} removed, ${counts.unchanged} unchanged.`);
  }
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
