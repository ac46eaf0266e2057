// CSV export: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.
import { csvCell, toAuditCsv } from '../../src/store/audit-csv';
import type { StoredAuditEntry } from '../../src/store/request-store';

/** A strict RFC 4180 reader, to check that what we write reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe('audit CSV', () => {
  it.each([
    ['plain', 'approved', 'approved'],
    ['a comma', 'a,b', '"a,b"'],
    ['quotes', 'say "yes"', '"say ""yes"""'],
    ['a line break', 'line1\nline2', '"line1\nline2"'],
    ['a CRLF', 'line1\r\nline2', '"line1\r\nline2"'],
    ['a formula', '=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ['a plus', '+1+1', "'+1+1"],
    ['a minus', '-2+3', "'-2+3"],
    ['an at sign', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\t=1', "'\t=1"],
    ['a leading carriage return', '\r=1', '"\'\r=1"'],
    ['an equals sign inside', 'a=b', 'a=b'],
    ['empty', '', ''],
  ])('when a cell holds %s, then it is written safely', (_what, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('when entries are exported, then the file reads back cell for cell, header first', () => {
    // Arrange
    const entries: StoredAuditEntry[] = [
      {
        seq: 1, requestId: 'r-1', event: 'rejected', actor: '=cmd|" /C calc"!A0', at: '2025-03-01T09:00:00.000Z',
        detail: { comment: 'Non, pas sur la prod,\n"merci"', z: -1 }, customer: { tenantId: 't-1', name: 'Contoso, Ltd' },
        prevHash: '0'.repeat(64), hash: 'a'.repeat(64),
      },
      { seq: 2, event: 'refused_tenant', actor: 'unknown', at: '2025-03-01T09:01:00.000Z', customer: { tenantId: 't-2' }, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) },
      { seq: 3, event: 'system_start', actor: 'system', at: '2025-03-01T09:02:00.000Z', prevHash: 'b'.repeat(64), hash: 'c'.repeat(64) },
    ];
    // Act
    const csv = toAuditCsv(entries);
    // Assert
    expect(csv.startsWith('seq,at,event,actor,requestId,customer,detail_json,hash\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['seq', 'at', 'event', 'actor', 'requestId', 'customer', 'detail_json', 'hash'],
      ['1', '2025-03-01T09:00:00.000Z', 'rejected', '\'=cmd|" /C calc"!A0', 'r-1', 'Contoso, Ltd (t-1)', '{"comment":"Non, pas sur la prod,\\n\\"merci\\"","z":-1}', 'a'.repeat(64)],
      ['2', '2025-03-01T09:01:00.000Z', 'refused_tenant', 'unknown', '', 't-2', '', 'b'.repeat(64)],
      ['3', '2025-03-01T09:02:00.000Z', 'system_start', 'system', '', '', '', 'c'.repeat(64)],
    ]);
  });

  it('when there is nothing to export, then the file is the header alone', () => {
    expect(toAuditCsv([])).toBe('seq,at,event,actor,requestId,customer,detail_json,hash\r\n');
  });
});
