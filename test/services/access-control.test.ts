// Who may approve what: a guest account's home address, and the own-account check failing closed.
import { AccessControl, guestHomeAddress } from '../../src/services/access-control';
import { loadPolicy } from '../../src/policy/load-policy';
import type { DirectoryGateway, DirectoryUser } from '../../src/services/ports';
import type { PartnerUser } from '../../src/domain/access-request';
import type { PrincipalId } from '../../src/domain/ids';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const ADA: PartnerUser = { id: '5a0e0001-0000-4000-8000-000000000002' as PrincipalId, name: 'Ada Approver' };
const guest = (upn: string) => ({ id: 'c0000001-0000-4000-8000-0000000000ad' as PrincipalId, displayName: 'Ada Approver', userPrincipalName: upn, principalType: 'User' as const });
const ADAS_GUEST = guest('ada_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com');

function accessWith(getUser: () => Promise<DirectoryUser | undefined>): { access: AccessControl; reads: () => number } {
  let reads = 0;
  const directory = {
    getUser: () => {
      reads += 1;
      return getUser();
    },
  } as unknown as DirectoryGateway;
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [ADA.id], directory, partnerTenantId: PARTNER, clock: { now: () => new Date('2026-12-02T09:00:00Z') } });
  return { access, reads: () => reads };
}
const adaInPartner: DirectoryUser = { id: ADA.id, displayName: 'Ada Approver', userPrincipalName: 'ada@litwarecsp.onmicrosoft.com', mail: 'Ada.Approver@litware.com' };

describe('guest home address', () => {
  it.each([
    ['ada_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com', 'ada@litwarecsp.onmicrosoft.com'],
    ['first_last_litware.com#EXT#@contoso.onmicrosoft.com', 'first_last@litware.com'],
    ['Ada.Approver_Litware.com#EXT#@contoso.onmicrosoft.com', 'ada.approver@litware.com'],
  ])('reads %s as %s', (upn, home) => expect(guestHomeAddress(upn)).toBe(home));
  it.each(['alice@contoso.onmicrosoft.com', '#EXT#@contoso.onmicrosoft.com', 'ada_#EXT#@contoso.onmicrosoft.com'])('finds none in %s', (upn) => expect(guestHomeAddress(upn)).toBeUndefined());
});

describe('is the grant\'s user the approver herself', () => {
  it('when the guest was invited by the approver\'s UPN or by her mail, then yes', async () => {
    const { access } = accessWith(async () => adaInPartner);
    expect(await access.isOwnAccount(ADA, ADAS_GUEST)).toBe('yes');
    expect(await access.isOwnAccount(ADA, guest('ada.approver_litware.com#EXT#@contoso.onmicrosoft.com'))).toBe('yes');
  });

  it('when the guest is someone else\'s, or the user is the customer\'s own, then no (and a member needs no lookup)', async () => {
    const { access, reads } = accessWith(async () => adaInPartner);
    expect(await access.isOwnAccount(ADA, guest('alex_litwarecsp.onmicrosoft.com#EXT#@contoso.onmicrosoft.com'))).toBe('no');
    expect(await access.isOwnAccount(ADA, guest('alice@contoso.onmicrosoft.com'))).toBe('no');
    expect(reads()).toBe(1);
  });

  it('when the partner directory fails, then it is not known (and asked again next time)', async () => {
    const { access, reads } = accessWith(async () => {
      throw new Error('Graph unavailable');
    });
    expect(await access.isOwnAccount(ADA, ADAS_GUEST)).toBe('unknown');
    expect(await access.isOwnAccount(ADA, ADAS_GUEST)).toBe('unknown');
    expect(reads()).toBe(2);
  });
});

describe('who hears about access (requesters and approvers)', () => {
  const SALES_GROUP = '6b000001-0000-4000-8000-0000000000aa';
  const SAM = '5a0e0001-0000-4000-8000-000000000001';
  const PAT = '5a0e0001-0000-4000-8000-000000000004';
  const withGroup = (listGroupUserIds: () => Promise<string[]>) => {
    const directory = { listGroupUserIds } as unknown as DirectoryGateway;
    const policy = { ...loadPolicy(undefined), requesters: { users: [], groups: [SALES_GROUP] } };
    return new AccessControl({ policy, approvers: [ADA.id], directory, partnerTenantId: PARTNER, clock: { now: () => new Date('2026-12-02T09:00:00Z') }, groupReadDeadlineInMs: 50 });
  };

  it('when the policy names requesters, then its members and the approvers may read and anyone else may not', async () => {
    const access = withGroup(async () => [SAM]);
    expect(await access.readerStatus(SAM)).toBe('yes');
    expect(await access.readerStatus(ADA.id)).toBe('yes');
    expect(await access.readerStatus(PAT)).toBe('no');
  });

  it('when the requesters group cannot be read, then whoever is in no list read is not known (an approver still is)', async () => {
    const access = withGroup(async () => {
      throw new Error('Graph unavailable');
    });
    expect(await access.readerStatus(PAT)).toBe('unknown');
    expect(await access.readerStatus(ADA.id)).toBe('yes');
  });
});
