// The audit command line, driven through runAuditCli as the bin wrapper drives it: output, files and exit codes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT_BROKEN, EXIT_OK, EXIT_USAGE, runAuditCli } from '../../src/audit-cli';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { appendAudit, CONTOSO, FABRIKAM, insert, makeRequest, tamper, tempStorePath } from './store-fixtures';

describe('the audit CLI', () => {
  let file: ReturnType<typeof tempStorePath>;
  let stdout: string;
  let stderr: string;
  const run = (...argv: string[]): Promise<number> =>
    runAuditCli(argv, {
      stdout: (text) => { stdout += text; },
      stderr: (text) => { stderr += text; },
      env: { STORE: `sqlite:${file.path}` },
    });

  beforeEach(async () => {
    file = tempStorePath();
    stdout = '';
    stderr = '';
    // Three entries: each request's creation, and a rejection in between.
    const store = openSqliteStore(file.path);
    await insert(store, makeRequest('r-contoso'), { event: 'requested', actor: 'sam', at: '2025-02-28T09:00:00.000Z', detail: { text: 'give Alice Contributor' } });
    await appendAudit(store, { requestId: 'r-contoso', event: 'rejected', actor: 'pat', at: '2025-03-01T09:00:00.000Z', detail: { comment: '=1+1, "no"' } });
    await insert(store, makeRequest('r-fabrikam', { customer: FABRIKAM }), { event: 'requested', actor: 'sam', at: '2025-03-02T09:00:00.000Z' });
    await store.close();
  });
  afterEach(() => file.cleanup());

  describe('verify', () => {
    it('when the chain is intact, then it prints OK with the count and exits 0', async () => {
      expect(await run('verify')).toBe(EXIT_OK);
      expect(stdout).toBe('audit chain OK (3 entries)\n');
    });

    it('when an entry was edited, then it names the entry and exits 2', async () => {
      tamper(file.path, "UPDATE audit SET actor = 'ada' WHERE seq = 2");
      expect(await run('verify')).toBe(EXIT_BROKEN);
      expect(stdout).toBe('audit chain BROKEN at entry #2: its content does not match its hash (edited)\n');
    });

    it('when an entry was deleted, then it exits 2', async () => {
      tamper(file.path, 'DELETE FROM audit WHERE seq = 1');
      expect(await run('verify')).toBe(EXIT_BROKEN);
      expect(stdout).toMatch(/^audit chain BROKEN at entry #1: /);
    });

    it('when it runs, then it does not write to the store', async () => {
      const before = readFileSync(file.path);
      await run('verify');
      expect(readFileSync(file.path).equals(before)).toBe(true);
    });
  });

  describe('export', () => {
    it('when asked since a date, then it writes the entries from that date as CSV to stdout', async () => {
      expect(await run('export', '--since', '2025-03-01')).toBe(EXIT_OK);
      const lines = stdout.split('\r\n');
      expect(lines[0]).toBe('seq,at,event,actor,requestId,customer,detail_json,hash');
      expect(lines.slice(1, -1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual(['2,2025-03-01T09:00:00.000Z,rejected', '3,2025-03-02T09:00:00.000Z,requested']);
      expect(stdout).toContain(`"{""comment"":""=1+1, \\""no\\""""}"`);
    });

    it.each([
      ['a customer name, any case', 'contoso ltd', ['1', '2']],
      ['a customer tenant id', FABRIKAM.tenantId, ['3']],
    ])('when filtered by %s, then only that customer is exported, to the --out file', async (_what, customer, seqs) => {
      const out = join(dirname(file.path), 'export.csv');
      expect(await run('export', '--since', '2025-01-01T00:00:00Z', '--customer', customer, '--out', out)).toBe(EXIT_OK);
      const rows = readFileSync(out, 'utf8').split('\r\n').slice(1, -1);
      expect(rows.map((row) => row.split(',')[0])).toEqual(seqs);
      expect(stderr).toBe(`wrote ${seqs.length} audit entries to ${out}\n`);
      expect(stdout).toBe('');
    });

    it('when the customer is unknown, then the CSV is the header alone and stderr says why', async () => {
      expect(await run('export', '--since', '2025-01-01', '--customer', 'Northwind')).toBe(EXIT_OK);
      expect(stdout).toBe('seq,at,event,actor,requestId,customer,detail_json,hash\r\n');
      expect(stderr).toContain('no audit entries for customer "Northwind"');
    });

    it('when the chain is broken, then it still exports but warns and exits 2', async () => {
      tamper(file.path, "UPDATE audit SET detail = '{\"comment\":\"ok\"}' WHERE seq = 2");
      expect(await run('export', '--since', '2025-01-01', '--customer', CONTOSO.tenantId)).toBe(EXIT_BROKEN);
      expect(stdout.split('\r\n')).toHaveLength(4);
      expect(stderr).toContain('warning: audit chain BROKEN at entry #2');
    });
  });

  describe('bad usage', () => {
    it.each([
      [[]],
      [['frobnicate']],
      [['verify', '--fast']],
      [['export']],
      [['export', '--since']],
      [['export', '--since', 'last tuesday']],
      [['export', '--since', '2025-01-01', '--format', 'xlsx']],
      [['export', '--since', '2025-01-01', '--since', '2025-02-01']],
    ])('when called with %j, then it prints usage and exits 1', async (argv) => {
      expect(await run(...argv)).toBe(EXIT_USAGE);
      expect(stderr).toContain('Usage:');
      expect(stdout).toBe('');
    });

    it('when asked for help, then it prints usage on stdout and exits 0', async () => {
      expect(await run('--help')).toBe(EXIT_OK);
      expect(stdout).toContain('audit verify');
    });

    it('when the store file does not exist, then it says so, creates nothing and exits 1', async () => {
      const missing = join(dirname(file.path), 'nope', 'missing.db');
      const code = await runAuditCli(['verify'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { STORE: `sqlite:${missing}` } });
      expect(code).toBe(EXIT_USAGE);
      expect(stderr).toBe(`audit: no store at ${missing} (check STORE)\n`);
      expect(existsSync(dirname(missing))).toBe(false);
    });

    it('when STORE is malformed, then it names the key and exits 1', async () => {
      const code = await runAuditCli(['verify'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { STORE: 'postgres://x' } });
      expect(code).toBe(EXIT_USAGE);
      expect(stderr).toContain('STORE');
    });
  });
});
