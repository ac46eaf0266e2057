// The refresh token kept in the STORE SQLite file, in its own table (its own connection; the request store is untouched).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RefreshTokenStore } from './refresh-token-store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_tokens (
  name TEXT PRIMARY KEY,
  token TEXT NOT NULL,
  saved_at TEXT NOT NULL
);
`;

/** The row's name: one partner service account per bot. */
const PARTNER = 'partner';

export interface SqliteRefreshTokenOptions {
  /** How long a writer waits for another process's write lock (the bot and `npm run consent` share the file). Default 5000. */
  readonly busyTimeoutInMs?: number;
  readonly now?: () => Date;
}

export function openSqliteRefreshTokens(path: string, options: SqliteRefreshTokenOptions = {}): RefreshTokenStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutInMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  const select = db.prepare<[string], { token: string }>('SELECT token FROM refresh_tokens WHERE name = ?');
  const upsert = db.prepare<[string, string, string]>(
    'INSERT INTO refresh_tokens (name, token, saved_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET token = excluded.token, saved_at = excluded.saved_at',
  );
  const now = options.now ?? (() => new Date());
  return {
    location: `the store ${path} (table refresh_tokens)`,
    read: async () => select.get(PARTNER)?.token,
    save: async (refreshToken) => {
      upsert.run(PARTNER, refreshToken, now().toISOString());
    },
    close: async () => {
      if (db.open) db.close();
    },
  };
}
