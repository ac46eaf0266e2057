// Test helpers for the store: a temporary file per test, a valid access request, writes through the one change log,
// raw SQL as an attacker would use it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';
import type { Store } from '../../src/store/ports';
import type { AuditEntry, StoredAuditEntry } from '../../src/store/request-store';

export const CONTOSO = { tenantId: tenantId('c0000000-0000-4000-8000-00000000c001'), name: 'Contoso Ltd' };
export const FABRIKAM = { tenantId: tenantId('f0000000-0000-4000-8000-00000000f001'), name: 'Fabrikam' };

/** A fresh directory per call; `cleanup` removes it. */
export function tempStorePath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'csp-store-'));
  return { path: join(dir, 'store.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makeRequest(id: string, overrides: Partial<AccessRequest> = {}): AccessRequest {
  const at = '2025-03-01T09:00:00.000Z';
  return {
    id: requestId(id),
    version: 1,
    state: 'draft',
    action: 'grant',
    requester: { id: principalId('5a0e0001-0000-4000-8000-000000000001'), name: 'Sam Sales' },
    locale: 'en',
    customer: CONTOSO,
    subscription: { id: subscriptionId('c0000001-5b50-4000-8000-000000000001'), name: 'prod' },
    scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001',
    principal: { id: principalId('c0000001-0000-4000-8000-0000000000a1'), displayName: 'Alice Martin', userPrincipalName: 'alice@contoso.example', principalType: 'User' },
    role: { definitionId: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
    requiredApprovals: 1,
    approvals: [],
    assignmentName: '00000000-0000-5000-8000-000000000000',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/**
 * Stores a new request (its version must be 1) with the audit entry of its creation, as the services do: `entry`
 * replaces the default fields of that entry. Throws when the id already exists, so an arrange step cannot fail quietly.
 */
export async function insert(store: Store, request: AccessRequest, entry: Partial<AuditEntry> = {}): Promise<void> {
  const audit: AuditEntry = { requestId: request.id, event: 'drafted', actor: request.requester.id, at: request.createdAt, ...entry };
  if (!(await store.changes.record({ request, audit }))) throw new Error(`request ${request.id} was not inserted (the id exists)`);
}

/** Appends one audit entry about no state change (the only way to write one alone) and returns it as stored. */
export async function appendAudit(store: Store, entry: AuditEntry): Promise<StoredAuditEntry> {
  if (!(await store.changes.record({ audit: entry }))) throw new Error('the audit entry was not written');
  return lastAudit(store);
}

/** The entry written last. */
export async function lastAudit(store: Store): Promise<StoredAuditEntry> {
  const [last] = await store.audit.list({ latest: 1 });
  if (!last) throw new Error('the audit trail is empty');
  return last;
}

/** What someone with write access to the file can do: open it directly and remove the append-only triggers. */
export function tamper(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}
