// Several processes appending to one audit file (bot instances side by side) must keep one unbroken chain.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { tempStorePath } from './store-fixtures';

const WORKER = join(__dirname, 'append-worker.cjs');

function runWorker(path: string, name: string, rounds: number, perRound: number, barrier: string, workers: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, path, name, String(rounds), String(perRound), barrier, String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${String(code)}: ${stderr}`))));
  });
}

describe('concurrent audit appenders', () => {
  it('when four processes append to the same file at once, then the chain has every entry and does not fork', async () => {
    // Arrange
    const file = tempStorePath();
    try {
      await openSqliteStore(file.path).close();
      const names = ['bot-a', 'bot-b', 'bot-c', 'bot-d'];
      const rounds = 15;
      const perRound = 10;
      const barrier = mkdtempSync(join(tmpdir(), 'audit-barrier-'));
      // Act: in each round the four processes append at once (they wait for each other between rounds, not for a clock).
      await Promise.all(names.map((name) => runWorker(file.path, name, rounds, perRound, barrier, names.length))).finally(() => rmSync(barrier, { recursive: true, force: true }));
      // Assert
      const store = openSqliteStore(file.path);
      try {
        expect(await store.audit.verify()).toEqual({ ok: true, entries: names.length * rounds * perRound });
        const entries = await store.audit.list();
        for (const name of names) expect(entries.filter((e) => e.actor === name)).toHaveLength(rounds * perRound);
        // Side by side, not one process after the other: every round holds all four, and the chain takes the rounds in
        // order (whatever the machine's scheduling did inside a round).
        const roundsInChainOrder = entries.map((e) => Number(e.detail?.round));
        expect(roundsInChainOrder).toEqual([...roundsInChainOrder].sort((a, b) => a - b));
        for (let round = 0; round < rounds; round += 1) {
          expect(new Set(entries.filter((e) => e.detail?.round === round).map((e) => e.actor)).size).toBe(names.length);
        }
      } finally {
        await store.close();
      }
    } finally {
      file.cleanup();
    }
  });
});
