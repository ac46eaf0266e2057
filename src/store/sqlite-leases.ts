// Leases in SQLite: one kept row per lease name, taken or renewed by one statement under the write lock.
import type Database from 'better-sqlite3';
import { leaseExpiry, RELEASED } from './lease-expiry';
import { succeeds } from './lease-holder';
import type { Leases } from './ports';
import type { SqliteGuard } from './sqlite-guard';

export const LEASES_SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`;

export function prepareLeases(db: Database.Database, guard: SqliteGuard): Leases {
  // Inserted when absent; replaced only when it is the holder's own or has run out. A row that is another's and
  // still running is left as it is: 0 rows changed means "not yours".
  const take = db.prepare(
    `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
  );
  // Released as the Table store releases: the row stays, run out (the same semantics through the same port).
  const free = db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?');
  const remove = db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?');
  const holderOf = db.prepare<[string], { holder: string }>('SELECT holder FROM leases WHERE name = ?');
  const succeed = db.prepare('UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND holder = ?');
  // IMMEDIATE: the write lock is taken before the row is looked at, so two processes cannot both see it free.
  const acquire = db.transaction((name: string, holder: string, expiresAt: string, at: string): boolean => {
    if (take.run(name, holder, expiresAt, at).changes === 1) return true;
    // Another's and running: still ours to take if its holder is an earlier process of this instance (it is dead).
    const current = holderOf.get(name);
    return current !== undefined && succeeds(holder, current.holder) && succeed.run(holder, expiresAt, name, current.holder).changes === 1;
  });
  return {
    acquire: (name, holder, ttlInMs, now) => {
      const { at, expiresAt } = leaseExpiry(now, ttlInMs);
      return guard.write(() => acquire.immediate(name, holder, expiresAt, at));
    },
    release: (name, holder, options) => guard.write(() => {
      if (options?.remove === true) remove.run(name, holder);
      else free.run(RELEASED, name, holder);
    }),
  };
}
