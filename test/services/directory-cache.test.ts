// DirectoryCache: one role index structure shared by subscriptions with the same role names, each with its own ids.
import { subscriptionId, tenantId } from '../../src/domain/ids';
import { DirectoryCache } from '../../src/services/directory-cache';
import type { AzureRbacGateway, DirectoryGateway, PartnerCenterGateway, RoleDefinition } from '../../src/services/ports';

const NAMES = ['Owner', 'Contributor', 'Reader'];
const definitionsAt = (sub: string): RoleDefinition[] =>
  NAMES.map((roleName, i) => ({ id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${i}`, name: String(i), roleName, description: roleName, roleType: 'BuiltInRole' }));

describe('DirectoryCache.roles', () => {
  it('when two subscriptions list the same role names, then each index answers with that subscription\'s own definitions', async () => {
    let now = 0;
    const rbac = { listRoleDefinitions: async (_tenant: unknown, sub: string) => definitionsAt(sub) } as unknown as AzureRbacGateway;
    const cache = new DirectoryCache({ partnerCenter: {} as PartnerCenterGateway, directory: {} as DirectoryGateway, rbac, clock: { now: () => new Date(now) } });
    const tenant = tenantId('00000001-0000-4000-8000-000000000000');
    const a = await cache.roles(tenant, subscriptionId('00000001-5b50-4000-8000-00000000000a'));
    const b = await cache.roles(tenant, subscriptionId('00000001-5b50-4000-8000-00000000000b'));
    const readerOf = (index: typeof a): string | undefined => {
      const pick = index.pick('reader');
      return pick.kind === 'one' ? pick.item.id : undefined;
    };
    expect(readerOf(a)).toContain('00000001-5b50-4000-8000-00000000000a');
    expect(readerOf(b)).toContain('00000001-5b50-4000-8000-00000000000b');
    now += 61 * 60_000;
    const again = await cache.roles(tenant, subscriptionId('00000001-5b50-4000-8000-00000000000a'));
    expect(again).not.toBe(a);
    expect(readerOf(again)).toContain('00000001-5b50-4000-8000-00000000000a');
  });
});
