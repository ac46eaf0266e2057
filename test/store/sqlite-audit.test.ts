// The audit trail in SQLite: a hash chain that verifies, and that shows where an attacker with the file edited it.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { AUDIT_GENESIS_HASH, hashEntry } from '../../src/store/audit-chain';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { appendAudit, CONTOSO, FABRIKAM, insert, lastAudit, makeRequest, tamper, tempStorePath } from './store-fixtures';

const AT = '2025-03-01T09:00:00.000Z';

describe('the audit trail', () => {
  let file: ReturnType<typeof tempStorePath>;
  let store: Store;

  /** n entries about request r-1 (Contoso), one a minute, each with a distinct detail; the first is written with r-1. */
  const appendMany = async (n: number): Promise<void> => {
    for (let i = 1; i <= n; i++) {
      const audit = { requestId: 'r-1', event: i % 2 ? 'approval_recorded' : 'refused_approve', actor: `user-${i}`, at: new Date(Date.parse(AT) + i * 60_000).toISOString(), detail: { i, comment: `entry ${i}` } };
      await store.changes.record(i === 1 ? { request: makeRequest('r-1'), audit } : { audit });
    }
  };

  beforeEach(() => {
    file = tempStorePath();
    store = openSqliteStore(file.path);
  });
  afterEach(async () => {
    try { await store.close(); } catch { /* closed by the test */ }
    file.cleanup();
  });

  describe('when nobody touched the file', () => {
    it('then a long chain verifies, each entry chaining from the one before', async () => {
      // Arrange
      await appendMany(250);
      await appendAudit(store, { event: 'refused_tenant', actor: 'unknown', at: AT, detail: { tenant: null } });
      // Act
      const result = await store.audit.verify();
      const entries = await store.audit.list();
      // Assert
      expect(result).toEqual({ ok: true, entries: 251 });
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
      expect(entries[0]?.prevHash).toBe(AUDIT_GENESIS_HASH);
      entries.slice(1).forEach((entry, i) => expect(entry.prevHash).toBe(entries[i]?.hash));
    });

    it('then the empty trail verifies', async () => {
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 0 });
    });

    it('then each hash is SHA-256 of the documented canonical form, so an auditor can recompute it', async () => {
      // Act: the entry is written with the request it is about (whose customer it records).
      await store.changes.record({
        request: makeRequest('r-1'),
        audit: { requestId: 'r-1', event: 'rejected', actor: 'pat', at: '2025-03-01T10:00:00+01:00', detail: { z: 1, comment: 'non, merci', a: { y: true, b: null } } },
      });
      const entry = await lastAudit(store);
      // Assert
      const canonical =
        '{"actor":"pat","at":"2025-03-01T09:00:00.000Z","customerName":"Contoso Ltd","customerTenantId":"c0000000-0000-4000-8000-00000000c001",' +
        '"detail":{"a":{"b":null,"y":true},"comment":"non, merci","z":1},"event":"rejected","prevHash":"' + AUDIT_GENESIS_HASH + '","requestId":"r-1","seq":1}';
      expect(entry.hash).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
      expect(entry.at).toBe('2025-03-01T09:00:00.000Z');
    });

    it('then the customer of the stored request is recorded, whatever the caller says', async () => {
      await store.changes.record({ request: makeRequest('r-2', { customer: FABRIKAM }), audit: { requestId: 'r-2', event: 'drafted', actor: 'sam', at: AT, customer: CONTOSO } });
      const created = await lastAudit(store);
      const entry = await appendAudit(store, { requestId: 'r-2', event: 'requested', actor: 'sam', at: AT, customer: CONTOSO });
      const loose = await appendAudit(store, { event: 'refused_action', actor: 'sam', at: AT, customer: { tenantId: CONTOSO.tenantId } });
      expect(created.customer).toEqual({ tenantId: FABRIKAM.tenantId, name: 'Fabrikam' });
      expect(entry.customer).toEqual({ tenantId: FABRIKAM.tenantId, name: 'Fabrikam' });
      expect(loose.customer).toEqual({ tenantId: CONTOSO.tenantId });
    });
  });

  describe('listAudit', () => {
    beforeEach(async () => {
      await insert(store, makeRequest('r-1'), { event: 'requested', actor: 'sam', at: '2025-03-01T09:00:00.000Z' });
      await insert(store, makeRequest('r-2', { customer: FABRIKAM }), { event: 'requested', actor: 'sam', at: '2025-03-02T09:00:00.000Z' });
      await appendAudit(store, { requestId: 'r-1', event: 'approved', actor: 'pat', at: '2025-03-03T09:00:00.000Z', detail: { comment: 'ok' } });
      await appendAudit(store, { event: 'refused_tenant', actor: 'x', at: '2025-03-04T09:00:00.000Z' });
    });

    it.each([
      ['a request id (the original form)', 'r-1', [1, 3]],
      ['a request id', { requestId: 'r-2' }, [2]],
      ['a start time in another zone', { since: '2025-03-02T10:00:00+01:00' }, [2, 3, 4]],
      ['a customer tenant', { customerTenantId: CONTOSO.tenantId }, [1, 3]],
      ['a customer name in other case', { customerName: 'contoso ltd' }, [1, 3]],
      ['customer and time together', { customerTenantId: CONTOSO.tenantId, since: '2025-03-02T00:00:00Z' }, [3]],
      ['the latest two', { latest: 2 }, [3, 4]],
      ['nothing', undefined, [1, 2, 3, 4]],
    ])('when filtered by %s, then the matching entries come oldest first', async (_name, filter, seqs) => {
      expect((await store.audit.list(filter)).map((e) => e.seq)).toEqual(seqs);
    });

    it('then entries carry what an export needs', async () => {
      expect((await store.audit.list('r-1'))[1]).toEqual({
        seq: 3, requestId: 'r-1', event: 'approved', actor: 'pat', at: '2025-03-03T09:00:00.000Z', detail: { comment: 'ok' },
        customer: { tenantId: CONTOSO.tenantId, name: 'Contoso Ltd' }, prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });
  });

  describe('when someone with the file tampers with it', () => {
    beforeEach(() => appendMany(10));

    it('then plain UPDATE and DELETE are refused by the append-only triggers', () => {
      const db = new Database(file.path);
      try {
        expect(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run()).toThrow(/append-only/);
        expect(() => db.prepare('DELETE FROM audit WHERE seq = 2').run()).toThrow(/append-only/);
      } finally {
        db.close();
      }
    });

    it.each([
      ['the detail', "UPDATE audit SET detail = json_set(detail, '$.comment', 'looks fine') WHERE seq = 5"],
      ['the actor', "UPDATE audit SET actor = 'someone-else' WHERE seq = 5"],
      ['the time', "UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 5"],
      ['the event', "UPDATE audit SET event = 'rejected' WHERE seq = 5"],
      ['the customer', "UPDATE audit SET customer_tenant_id = 'f0000000-0000-4000-8000-00000000f001' WHERE seq = 5"],
      ['the detail into invalid JSON', "UPDATE audit SET detail = '{' WHERE seq = 5"],
    ])('then editing %s is detected at that entry', async (_what, sql) => {
      // Act
      tamper(file.path, sql);
      const result = (await store.audit.verify());
      // Assert
      expect(result).toMatchObject({ ok: false, firstBadSeq: 5, reason: expect.stringContaining('edited') });
    });

    it('then an edit whose hash was recomputed is detected at the next entry', async () => {
      // Arrange: the attacker rewrites #5 and recomputes its hash, but not the chain after it.
      const db = new Database(file.path, { readonly: true });
      const row = db.prepare<[], { prev_hash: string; customer_tenant_id: string; customer_name: string }>('SELECT * FROM audit WHERE seq = 5').get();
      db.close();
      if (!row) throw new Error('no row 5');
      const forged = { seq: 5, requestId: 'r-1', event: 'approved', actor: 'mallory', at: AT, customerTenantId: row.customer_tenant_id, customerName: row.customer_name, detail: null, prevHash: row.prev_hash };
      // Act
      tamper(file.path, 'UPDATE audit SET event = ?, actor = ?, at = ?, detail = NULL, hash = ? WHERE seq = 5', forged.event, forged.actor, forged.at, hashEntry(forged));
      // Assert
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 6, reason: expect.stringContaining('does not chain from entry #5') });
    });

    it('then deleting an entry is detected at the missing seq', async () => {
      tamper(file.path, 'DELETE FROM audit WHERE seq = 4');
      expect((await store.audit.verify())).toEqual({ ok: false, entries: 4, firstBadSeq: 4, reason: 'the entry is missing (deleted); the next one is #5' });
    });

    it('then deleting the first entry is detected', async () => {
      tamper(file.path, 'DELETE FROM audit WHERE seq = 1');
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 1 });
    });

    it('then deleting the last entries is detected, even after the bot appends again', async () => {
      // Act
      tamper(file.path, 'DELETE FROM audit WHERE seq >= 9');
      const right = (await store.audit.verify());
      await appendAudit(store, { event: 'later', actor: 'system', at: AT });
      const afterAppend = (await store.audit.verify());
      // Assert
      expect(right).toMatchObject({ ok: false, firstBadSeq: 9, reason: 'entries #9 to #10, the last ones written, are missing (deleted)' });
      expect(afterAppend).toMatchObject({ ok: false, firstBadSeq: 9 });
      expect((await lastAudit(store)).seq).toBe(11);
    });

    it('then deleting a middle entry and renumbering the rest is detected', async () => {
      tamper(file.path, 'DELETE FROM audit WHERE seq = 4');
      tamper(file.path, 'UPDATE audit SET seq = seq - 1 WHERE seq > 4');
      tamper(file.path, "UPDATE sqlite_sequence SET seq = 9 WHERE name = 'audit'");
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 4 });
    });

    it('then swapping two entries is detected at the first of them', async () => {
      tamper(file.path, 'UPDATE audit SET seq = 1000 WHERE seq = 3');
      tamper(file.path, 'UPDATE audit SET seq = 3 WHERE seq = 7');
      tamper(file.path, 'UPDATE audit SET seq = 7 WHERE seq = 1000');
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 3 });
    });

    it('then an entry inserted in the middle, well hashed, is detected where the chain breaks', async () => {
      // Arrange: make room at #4; the forged entry chains from #3, so the old #4 (now #5) must be re-pointed to it.
      const db = new Database(file.path, { readonly: true });
      const third = db.prepare<[], { hash: string }>('SELECT hash FROM audit WHERE seq = 3').get();
      db.close();
      if (!third) throw new Error('no row 3');
      const forged = { seq: 4, requestId: 'r-1', event: 'approved', actor: 'mallory', at: AT, customerTenantId: null, customerName: null, detail: null, prevHash: third.hash };
      const forgedHash = hashEntry(forged);
      tamper(file.path, 'UPDATE audit SET seq = seq + 1000 WHERE seq >= 4');
      tamper(file.path, 'UPDATE audit SET seq = seq - 999 WHERE seq >= 1000');
      tamper(file.path, 'UPDATE audit SET prev_hash = ? WHERE seq = 5', forgedHash);
      // Act
      tamper(file.path, 'INSERT INTO audit (seq, request_id, event, actor, at, detail, prev_hash, hash) VALUES (4, ?, ?, ?, ?, NULL, ?, ?)',
        forged.requestId, forged.event, forged.actor, forged.at, forged.prevHash, forgedHash);
      // Assert
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 5 });
    });

    it('then a second entry chaining from the same entry (a fork) is refused by the schema', () => {
      const db = new Database(file.path);
      try {
        const last = db.prepare<[], { hash: string }>('SELECT hash FROM audit WHERE seq = 9').get();
        expect(() => db.prepare("INSERT INTO audit (seq, event, actor, at, prev_hash, hash) VALUES (11, 'x', 'y', 'z', ?, 'h')").run(last?.hash)).toThrow(/UNIQUE/);
      } finally {
        db.close();
      }
    });
  });

  describe('fails closed', () => {
    it('when the store is closed, then appending an entry fails', async () => {
      await store.close();
      await expect(appendAudit(store, { event: 'approved', actor: 'pat', at: AT })).rejects.toThrow();
    });

    it('when the file is opened read-only, then appending an entry fails as "store unavailable" and nothing is written', async () => {
      await appendAudit(store, { event: 'requested', actor: 'sam', at: AT });
      const readonly = openSqliteStore(file.path, { readonly: true });
      try {
        await expect(appendAudit(readonly, { event: 'approved', actor: 'pat', at: AT }))
          .rejects.toMatchObject({ name: 'StoreUnavailableError', cause: expect.objectContaining({ message: expect.stringMatching(/readonly/) }) });
        expect(await readonly.audit.verify()).toEqual({ ok: true, entries: 1 });
      } finally {
        await readonly.close();
      }
    });

    it('when another process holds the write lock past the busy timeout, then appending an entry fails as "store unavailable"', async () => {
      const impatient = openSqliteStore(file.path, { busyTimeoutInMs: 50 });
      const other = new Database(file.path);
      try {
        other.exec('BEGIN IMMEDIATE');
        await expect(appendAudit(impatient, { event: 'approved', actor: 'pat', at: AT }))
          .rejects.toMatchObject({ name: 'StoreUnavailableError', message: expect.stringMatching(/locked|busy/i) });
        other.exec('ROLLBACK');
        expect(await impatient.audit.verify()).toEqual({ ok: true, entries: 0 });
      } finally {
        other.close();
        await impatient.close();
      }
    });

    it.each([
      ['a time that is not a date', { event: 'x', actor: 'a', at: 'yesterday' }],
      ['a detail that cannot be serialized', { event: 'x', actor: 'a', at: AT, detail: { n: BigInt(1) } }],
    ])('when the entry has %s, then appending it fails and the chain is untouched', async (_what, entry) => {
      await expect(appendAudit(store, entry)).rejects.toThrow();
      await appendAudit(store, { event: 'next', actor: 'a', at: AT });
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 1 });
    });
  });

  describe('when the file was written before the hash chain existed', () => {
    it('then opening it seals the old entries into a chain, keeping their seq and content', async () => {
      // Arrange: the schema of the first release, with two entries (and the request they are about).
      await insert(store, makeRequest('r-1'));
      await store.close();
      const db = new Database(file.path);
      db.exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TABLE audit;
        CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT, event TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, detail TEXT);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
        INSERT INTO audit (request_id, event, actor, at, detail) VALUES ('r-1', 'requested', 'sam', '${AT}', '{"text":"give Alice"}');
        INSERT INTO audit (request_id, event, actor, at, detail) VALUES (NULL, 'refused_tenant', 'x', '${AT}', NULL);`);
      db.close();
      expect(() => openSqliteStore(file.path, { readonly: true })).toThrow(/before the hash chain/);
      // Act
      store = openSqliteStore(file.path);
      await appendAudit(store, { requestId: 'r-1', event: 'confirmed', actor: 'sam', at: AT });
      // Assert
      expect((await store.audit.verify())).toEqual({ ok: true, entries: 3 });
      expect((await store.audit.list()).map((e) => [e.seq, e.event, e.customer?.name ?? null, e.detail ?? null])).toEqual([
        [1, 'requested', 'Contoso Ltd', { text: 'give Alice' }],
        [2, 'refused_tenant', null, null],
        [3, 'confirmed', 'Contoso Ltd', null],
      ]);
      tamper(file.path, "UPDATE audit SET actor = 'mallory' WHERE seq = 1");
      expect((await store.audit.verify())).toMatchObject({ ok: false, firstBadSeq: 1 });
    });
  });
});
