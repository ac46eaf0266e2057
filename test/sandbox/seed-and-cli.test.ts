// The seed file's contract (the ids other code depends on), seed validation, the CLI's arguments and the fixture copies.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { loadDefaultSeed, parseSeed } from '../../src/sandbox';
import { parseArgs } from '../../src/sandbox/cli';
import { SANDBOX_PARTNER_TENANT_ID } from '../../src/gateways/credentials';
import { FIXTURES_DIR, SHARED_FIXTURES_DIR } from '../gateways/microsoft-fixtures';

describe('sandbox seed', () => {
  test('when the default seed loads, then it has the agreed partner, customers, subscriptions and partner users', () => {
    const seed = loadDefaultSeed();

    expect(seed.partner).toMatchObject({ name: 'Litware CSP', tenantId: '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34' });
    expect(SANDBOX_PARTNER_TENANT_ID).toBe(seed.partner.tenantId);
    expect(seed.customers.map((c) => [c.companyName, c.id, c.allowDelegatedAccess])).toEqual([
      // allowDelegatedAccess is legacy DAP: only Contoso Pharma still has it; the others are GDAP-only or have nothing.
      ['Contoso', 'c0000001-0000-4000-8000-000000000001', false],
      ['Contoso Pharma', 'c0000002-0000-4000-8000-000000000002', true],
      ['Fabrikam', 'c0000003-0000-4000-8000-000000000003', false],
      ['Northwind Traders', 'c0000004-0000-4000-8000-000000000004', false],
      ['Tailspin Toys', 'c0000005-0000-4000-8000-000000000005', false],
      ['Wingtip Toys', 'c0000006-0000-4000-8000-000000000006', false],
    ]);
    expect(seed.customers.flatMap((c) => c.azureSubscriptions.map((s) => `${s.displayName}=${s.subscriptionId}`))).toEqual([
      'Contoso Production=c0000001-5b50-4000-8000-000000000001', 'Contoso Dev=c0000001-5b50-4000-8000-000000000002',
      'Pharma Research=c0000002-5b50-4000-8000-000000000001', 'Fabrikam Production=c0000003-5b50-4000-8000-000000000001',
      'Northwind Main=c0000004-5b50-4000-8000-000000000001', 'Tailspin Web=c0000005-5b50-4000-8000-000000000001',
      'Wingtip Shop=c0000006-5b50-4000-8000-000000000001',
    ]);
    expect(seed.users.filter((u) => u.tenantId === seed.partner.tenantId).map((u) => u.id)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `5a0e0001-0000-4000-8000-00000000000${n}`),
    );
    expect(seed.roleDefinitions.filter((r) => r.roleType === 'BuiltInRole').map((r) => r.name)).toEqual([
      '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'b24988ac-6180-42a0-ab88-20f7382dd24c', 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    ]);
  });

  test('when the default seed loads, then the partner tenant has the agreed Entra groups, Sales Leads nested in Sales Agents, Azure Managers in Admin Agents', () => {
    const seed = loadDefaultSeed();
    const user = (n: number) => `5a0e0001-0000-4000-8000-00000000000${n}`;

    expect(seed.groups.map((g) => [g.displayName, g.id, g.tenantId, g.members])).toEqual([
      ['Litware Admin Agents', '5a0e0002-0000-4000-8000-000000000001', seed.partner.tenantId, [user(2), user(3), '5a0e0002-0000-4000-8000-000000000004']],
      ['Litware Sales Agents', '5a0e0002-0000-4000-8000-000000000002', seed.partner.tenantId, [user(1), user(4), '5a0e0002-0000-4000-8000-000000000003']],
      ['Litware Sales Leads', '5a0e0002-0000-4000-8000-000000000003', seed.partner.tenantId, [user(5)]],
      ['Litware Azure Managers', '5a0e0002-0000-4000-8000-000000000004', seed.partner.tenantId, [user(6)]],
    ]);
  });

  test('when a group names an unknown member or a member of another tenant, then validation fails naming the path', () => {
    const seed = loadDefaultSeed();
    const [admins, sales, ...others] = seed.groups;
    const unknown = { ...seed, groups: [{ ...admins, members: ['00000000-0000-4000-8000-000000000000'] }, sales, ...others] };
    const foreign = { ...seed, groups: [admins, { ...sales, members: ['c0000001-0000-4000-8000-0000000000a1'] }, ...others] };
    // Without groups, nothing may name one (no AOBO assignment, no GDAP access assignment).
    const noGroups = { ...seed, groups: undefined, gdapRelationships: [], roleAssignments: seed.roleAssignments.filter((a) => a.principalType !== 'ForeignGroup') };

    expect(() => parseSeed(unknown)).toThrow(/groups.*members.*unknown user or group/s);
    expect(() => parseSeed(foreign)).toThrow(/groups.*members.*same tenant/s);
    expect(parseSeed(noGroups).groups).toEqual([]);
  });

  test('when a seed names an unknown principal in an assignment, then validation fails naming the path', () => {
    const seed = loadDefaultSeed();
    const broken = { ...seed, roleAssignments: [{ ...seed.roleAssignments[0], principalId: '00000000-0000-4000-8000-000000000000' }] };
    expect(() => parseSeed(broken)).toThrow(/roleAssignments.*principalId|unknown user/s);
  });
});

describe('sandbox CLI', () => {
  test('when given --port and --cert-out, then they are parsed; unknown flags are refused', () => {
    expect(parseArgs(['--port', '8443', '--cert-out', 'ca.pem'])).toEqual({ port: 8443, host: '127.0.0.1', certOut: 'ca.pem', latencyMs: 0 });
    expect(() => parseArgs(['--colour', 'blue'])).toThrow('Unknown option --colour');
    expect(() => parseArgs(['--port', '70000'])).toThrow('--port');
  });
});

describe('fixture copies', () => {
  const sharedPresent = existsSync(SHARED_FIXTURES_DIR);
  (sharedPresent ? test : test.skip)('when shared/fixtures is next to the repository, then the copies in test/fixtures are identical', () => {
    const copies = ['partner-center', 'graph-users', 'graph-gdap', 'arm-authorization-2022-04-01/examples', 'arm-authorization-2022-04-01/examples-typespec-layout', 'arm-subscriptions-2022-12-01/examples']
      .flatMap((dir) => readdirSync(path.join(FIXTURES_DIR, dir)).map((f) => path.join(dir, f)));
    for (const file of copies) {
      expect(`${file}:${readFileSync(path.join(FIXTURES_DIR, file), 'utf8')}`).toBe(`${file}:${readFileSync(path.join(SHARED_FIXTURES_DIR, file), 'utf8')}`);
    }
    expect(copies.length).toBeGreaterThanOrEqual(16);
  });
});
