// Command line for auditors: verify the audit hash chain, export entries as CSV. node dist/src/audit-cli.js verify|export …
import { writeFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { isGuid } from './domain/ids';
import { toAuditCsv } from './store/audit-csv';
import type { Store } from './store/ports';
import type { AuditFilter, AuditVerification } from './store/request-store';
import { loadTableStore } from './store/load-table-store';
import { openSqliteStore } from './store/sqlite-store';

export const AUDIT_CLI_USAGE = `Usage:
  audit verify
      Recomputes the hash chain. Prints "audit chain OK (N entries)" and exits 0,
      or "audit chain BROKEN at entry #seq: reason" and exits 2.
  audit export --since <ISO date> [--customer <tenant id or name>] [--out <file.csv>]
      Writes CSV (seq,at,event,actor,requestId,customer,detail_json,hash) to the file or to stdout.
      Exits 2, after writing, when the chain is broken.
The store is the STORE setting (default sqlite:./data/csp-access-bot.db); it is opened read-only.
Exit codes: 0 done, 1 bad usage or unreadable store, 2 audit chain broken.
`;

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_BROKEN = 2;

export interface AuditCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment handed to loadConfig; the process environment when omitted. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where --out goes; fs.writeFileSync by default. */
  readonly writeFile?: (path: string, content: string) => void;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface ExportOptions { since: string; customer?: string; out?: string }

function parseExportOptions(args: readonly string[]): ExportOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] ?? '';
    const value = args[i + 1];
    if (!['--since', '--customer', '--out'].includes(flag)) throw new UsageError(`unknown option "${flag}"`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (values.has(flag)) throw new UsageError(`${flag} given twice`);
    values.set(flag, value);
  }
  const since = values.get('--since');
  if (since === undefined) throw new UsageError('export needs --since <ISO date>, e.g. --since 2025-01-01');
  if (Number.isNaN(new Date(since).getTime())) throw new UsageError(`--since "${since}" is not an ISO date`);
  const customer = values.get('--customer');
  const out = values.get('--out');
  return { since, ...(customer !== undefined ? { customer } : {}), ...(out !== undefined ? { out } : {}) };
}

function brokenLine(result: Extract<AuditVerification, { ok: false }>): string {
  return `audit chain BROKEN at entry #${result.firstBadSeq}: ${result.reason}`;
}

async function verify(store: Store, io: AuditCliIo): Promise<number> {
  const result = await store.audit.verify();
  if (result.ok) {
    io.stdout(`audit chain OK (${result.entries} entries)\n`);
    return EXIT_OK;
  }
  io.stdout(`${brokenLine(result)}\n`);
  return EXIT_BROKEN;
}

async function exportCsv(store: Store, options: ExportOptions, io: AuditCliIo): Promise<number> {
  const filter: AuditFilter = {
    since: new Date(options.since).toISOString(),
    ...(options.customer === undefined ? {} : isGuid(options.customer) ? { customerTenantId: options.customer } : { customerName: options.customer }),
  };
  const entries = await store.audit.list(filter);
  const csv = toAuditCsv(entries);
  if (options.out !== undefined) {
    (io.writeFile ?? ((path, content) => writeFileSync(path, content, 'utf8')))(options.out, csv);
    io.stderr(`wrote ${entries.length} audit entries to ${options.out}\n`);
  } else {
    io.stdout(csv);
  }
  if (options.customer !== undefined && entries.length === 0) {
    io.stderr(`no audit entries for customer "${options.customer}" since ${filter.since ?? options.since} (a name must match exactly, case aside)\n`);
  }
  // The export is only as good as the chain: say so loudly, and let scripts see it in the exit code.
  const verification = await store.audit.verify();
  if (!verification.ok) {
    io.stderr(`warning: ${brokenLine(verification)}; exported entries may have been altered\n`);
    return EXIT_BROKEN;
  }
  return EXIT_OK;
}

/** Runs one command; returns the exit code. Never calls process.exit, so tests call it directly. */
export async function runAuditCli(argv: readonly string[], io: AuditCliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.stderr : io.stdout)(AUDIT_CLI_USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  let store: Store | undefined;
  try {
    if (command !== 'verify' && command !== 'export') throw new UsageError(`unknown command "${command}"`);
    if (command === 'verify' && rest.length > 0) throw new UsageError(`verify takes no options (got "${rest.join(' ')}")`);
    const exportOptions = command === 'export' ? parseExportOptions(rest) : undefined;
    const config = loadConfig(io.env);
    if (config.store.kind === 'sqlite') {
      store = openSqliteStore(config.store.path, { readonly: true });
    } else {
      const { openTableStore } = loadTableStore();
      store = await openTableStore('connectionString' in config.store ? { connectionString: config.store.connectionString } : { endpoint: config.store.endpoint });
    }
    const opened = store;
    return await (exportOptions ? exportCsv(opened, exportOptions, io) : verify(opened, io));
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`audit: ${error.message}\n\n${AUDIT_CLI_USAGE}`);
    } else if (error instanceof ConfigError) {
      io.stderr(`audit: ${error.message}\n`);
    } else {
      io.stderr(`audit: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return EXIT_USAGE;
  } finally {
    await store?.close();
  }
}

if (require.main === module) {
  void runAuditCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
