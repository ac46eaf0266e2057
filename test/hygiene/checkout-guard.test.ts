// The checkout guard (test/hygiene/no-checkout-writes.cjs): a test, the code it runs and the processes it starts
// write under os.tmpdir() only; a write into the checkout fails with an error naming the file, and nothing is written.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, promises, readFileSync, rmSync, writeFile, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { CHECKOUT_WRITE_REFUSED, checkout, takeRefusals } from './guards.cjs';

const stray = join(checkout, 'test-guard-stray.txt');
const refused = (path: string) => expect.objectContaining({ code: CHECKOUT_WRITE_REFUSED, message: expect.stringContaining(path) });
const written = () => takeRefusals().map((r) => `${r.kind} ${r.target}`);

describe('checkout guard', () => {
  it('when a test writes a file in the checkout (sync, callback, promise, stream), then each write is refused naming the file and none happens', async () => {
    expect(() => writeFileSync(stray, 'x')).toThrow(refused('test-guard-stray.txt'));
    const viaCallback = await new Promise<NodeJS.ErrnoException | null>((resolve) => writeFile(stray, 'x', resolve));
    await expect(promises.appendFile(stray, 'x')).rejects.toEqual(refused('test-guard-stray.txt'));
    expect(() => createWriteStream(stray)).toThrow(refused('test-guard-stray.txt'));
    expect(() => openSync(stray, 'w')).toThrow(refused('test-guard-stray.txt'));
    expect(viaCallback).toEqual(refused('test-guard-stray.txt'));
    expect(existsSync(stray)).toBe(false);
    expect(written()).toEqual(Array.from({ length: 5 }, () => `write ${stray}`));
  });

  it('when a test deletes, renames or makes a folder in the checkout, then it is refused; reading the checkout is not', () => {
    expect(() => rmSync(join(checkout, 'README.md'))).toThrow(refused('README.md'));
    expect(() => mkdirSync(join(checkout, 'data'), { recursive: true })).toThrow(refused('data'));
    const fd = openSync(join(checkout, 'package.json'), 'r');
    closeSync(fd);
    expect(readFileSync(join(checkout, 'README.md'), 'utf8').length).toBeGreaterThan(0);
    expect(written()).toEqual([`write ${join(checkout, 'README.md')}`, `write ${join(checkout, 'data')}`]);
  });

  it("when a test would open the bot's default store (STORE unset: ./data/csp-access-bot.db), then it fails before a file is made", () => {
    const { storePath } = loadConfig({});
    expect(storePath).toBe('./data/csp-access-bot.db');
    expect(() => openSqliteStore(join(checkout, storePath))).toThrow(expect.objectContaining({ code: CHECKOUT_WRITE_REFUSED, path: join(checkout, 'data') }));
    expect(existsSync(join(checkout, storePath))).toBe(false);
    expect(written()).toEqual([`write ${join(checkout, 'data')}`]);
  });

  it('when a test writes under os.tmpdir(), then it works', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guard-'));
    writeFileSync(join(dir, 'ok.txt'), 'ok');
    expect(readFileSync(join(dir, 'ok.txt'), 'utf8')).toBe('ok');
    rmSync(dir, { recursive: true });
    expect(written()).toEqual([]);
  });

  it('when a process started by a test (with an environment of its own) writes in the checkout, then it fails and writes nothing', () => {
    const child = spawnSync(process.execPath, ['-e', "require('node:fs').writeFileSync('test-guard-stray.txt', 'x')"], { cwd: checkout, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(CHECKOUT_WRITE_REFUSED);
    expect(existsSync(stray)).toBe(false);
  });
});
