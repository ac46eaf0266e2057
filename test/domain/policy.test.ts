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
