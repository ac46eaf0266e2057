import { DEFAULT_POLICY, ruleFor, type AccessPolicy } from '../../src/domain/policy';

const contoso = { tenantId: 'c0000001-0000-4000-8000-000000000001', name: 'Contoso' };
const northwind = { tenantId: 'c0000004-0000-4000-8000-000000000004', name: 'Northwind Traders' };

describe('ruleFor', () => {
  it('when no rule names the role, then the defaults apply: one approval, no justification', () => {
    expect(ruleFor(DEFAULT_POLICY, 'Contributor', contoso)).toEqual({ forbidden: false, approvals: 1, justificationRequired: false });
  });

  it('when the role is Owner or User Access Administrator, then two approvals are needed by default (any casing)', () => {
    expect(ruleFor(DEFAULT_POLICY, 'owner', contoso).approvals).toBe(2);
    expect(ruleFor(DEFAULT_POLICY, 'User Access Administrator', contoso).approvals).toBe(2);
  });

  it('when a customer rule and a customer-role rule exist, then the most specific wins, by name or tenant id', () => {
    const policy: AccessPolicy = {
      ...DEFAULT_POLICY,
      customers: {
        'northwind traders': { justificationRequired: true, roles: { Owner: { forbidden: true } } },
        [contoso.tenantId]: { approvals: 3 },
      },
    };
    expect(ruleFor(policy, 'Owner', northwind)).toMatchObject({ forbidden: true, justificationRequired: true, approvals: 2 });
    expect(ruleFor(policy, 'Reader', northwind)).toMatchObject({ forbidden: false, justificationRequired: true, approvals: 1 });
    expect(ruleFor(policy, 'Owner', contoso).approvals).toBe(3);
  });
});

describe('ruleFor, a role that hands out access', () => {
  const custom = { name: 'Contoso Break Glass', managesAccess: true };

  it('when a custom role manages access and the policy does not name it, then it needs what Owner needs by default', () => {
    expect(ruleFor(DEFAULT_POLICY, custom, contoso)).toEqual({ forbidden: false, approvals: 2, justificationRequired: false });
    expect(ruleFor(DEFAULT_POLICY, { name: 'Contoso Break Glass' }, contoso).approvals).toBe(1);
  });

  it('when the privileged roles differ on a customer, then the strictest of their rules applies', () => {
    const policy: AccessPolicy = {
      ...DEFAULT_POLICY,
      roles: { Owner: { approvals: 3, maxDurationHours: 8 }, 'User Access Administrator': { approvals: 2, maxDurationHours: 4 } },
      customers: { Contoso: { roles: { 'Role Based Access Control Administrator': { justificationRequired: true } } } },
    };
    expect(ruleFor(policy, custom, contoso)).toEqual({ forbidden: false, approvals: 3, maxDurationHours: 4, justificationRequired: true });
    expect(ruleFor(policy, custom, northwind)).toEqual({ forbidden: false, approvals: 3, maxDurationHours: 4, justificationRequired: false });
  });

  it('when a privileged role is forbidden on the customer, then an unnamed role that manages access is too', () => {
    const policy: AccessPolicy = { ...DEFAULT_POLICY, customers: { Northwind: { roles: { Owner: { forbidden: true } } } } };
    expect(ruleFor(policy, custom, { ...northwind, name: 'Northwind' }).forbidden).toBe(true);
    expect(ruleFor(policy, custom, contoso).forbidden).toBe(false);
  });

  it('when the policy names the role, then its own rule applies, but never with fewer approvals than the privileged roles', () => {
    const policy: AccessPolicy = {
      ...DEFAULT_POLICY,
      roles: { ...DEFAULT_POLICY.roles, 'contoso break glass': { approvals: 1, maxDurationHours: 2, justificationRequired: true } },
      customers: { Contoso: { roles: { 'Contoso Break Glass': { approvals: 4 } } } },
    };
    expect(ruleFor(policy, custom, northwind)).toEqual({ forbidden: false, approvals: 2, maxDurationHours: 2, justificationRequired: true });
    expect(ruleFor(policy, custom, contoso).approvals).toBe(4);
  });

  it('when a privileged built-in is named with fewer approvals than another, then it gets the most they need', () => {
    const policy: AccessPolicy = { ...DEFAULT_POLICY, roles: { ...DEFAULT_POLICY.roles, Owner: { approvals: 1 }, 'User Access Administrator': { approvals: 3 } } };
    expect(ruleFor(policy, 'Owner', contoso).approvals).toBe(3);
    expect(ruleFor(policy, 'Contributor', contoso).approvals).toBe(1);
  });
});
