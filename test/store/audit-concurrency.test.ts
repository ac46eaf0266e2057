// Several processes appending to one audit file (bot instances side by side) must keep one unbroken chain.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { tempStorePath } from './store-fixtures';

const WORKER = join(__dirname, 'append-worker.cjs');

function runWorker(path: string, name: string, count: number, barrier: string, workers: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, path, name, String(count), barrier, String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
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
      openSqliteStore(file.path).close();
      const names = ['bot-a', 'bot-b', 'bot-c', 'bot-d'];
      const perWorker = 150;
      const barrier = mkdtempSync(join(tmpdir(), 'audit-barrier-'));
      // Act
      await Promise.all(names.map((name) => runWorker(file.path, name, perWorker, barrier, names.length)));
      rmSync(barrier, { recursive: true, force: true });
      // Assert
      const store = openSqliteStore(file.path);
      try {
        expect(store.verifyAudit()).toEqual({ ok: true, entries: names.length * perWorker });
        const actors = store.listAudit().map((e) => e.actor);
        for (const name of names) expect(actors.filter((a) => a === name)).toHaveLength(perWorker);
        // Interleaved, not one process after the other: the lock was really contended.
        const switches = actors.slice(1).filter((actor, i) => actor !== actors[i]).length;
        expect(switches).toBeGreaterThan(names.length - 1);
      } finally {
        store.close();
      }
    } finally {
      file.cleanup();
    }
  });
});
