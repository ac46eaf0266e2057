// Test helpers for the store: a temporary file per test, a valid access request, raw SQL as an attacker would use it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId, tenantId } from '../../src/domain/ids';

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
