// Audit entries as RFC 4180 CSV that is safe to open in a spreadsheet (no formula injection).
import { canonicalJson } from './audit-chain';
import type { StoredAuditEntry } from './request-store';

export const AUDIT_CSV_HEADER = ['seq', 'at', 'event', 'actor', 'requestId', 'customer', 'detail_json', 'hash'] as const;

/**
 * One cell. A value a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return,
 * as OWASP lists) gets a leading single quote; then a value holding a comma, quote, CR or LF is quoted, with
 * quotes doubled.
 */
export function csvCell(value: string): string {
  const neutral = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(neutral) ? `"${neutral.replace(/"/g, '""')}"` : neutral;
}

/** "Contoso Ltd (tenant id)", or the tenant id alone when the name is unknown, or empty. */
export function customerLabel(entry: StoredAuditEntry): string {
  if (!entry.customer) return '';
  return entry.customer.name ? `${entry.customer.name} (${entry.customer.tenantId})` : entry.customer.tenantId;
}

/** Header and one line per entry, CRLF line ends (RFC 4180), ending with a line break. */
export function toAuditCsv(entries: Iterable<StoredAuditEntry>): string {
  const lines = [AUDIT_CSV_HEADER.join(',')];
  for (const entry of entries) {
    const cells = [
      String(entry.seq),
      entry.at,
      entry.event,
      entry.actor,
      entry.requestId ?? '',
      customerLabel(entry),
      entry.detail === undefined ? '' : canonicalJson(entry.detail),
      entry.hash,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
