import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { defaultPolicyPath, loadPolicy, parsePolicy, PolicyError } from '../../src/policy/load-policy';

describe('the policy file', () => {
  it('when no POLICY_FILE is set, then the committed commented default is used and equals the built-in rules', () => {
    expect(readFileSync(defaultPolicyPath(), 'utf8')).toMatch(/^# /);
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
  });

  it('when the file has a typo or a bad value, then loading stops and names each bad path', () => {
    const bad = 'approvers:\n  users: [not-a-guid]\nroles:\n  Owner:\n    aprovals: 2\n';
    expect(() => parsePolicy(bad, 'policy.yaml')).toThrow(PolicyError);
    expect(() => parsePolicy(bad, 'policy.yaml')).toThrow(/approvers\.users\.0 must be a GUID/);
    expect(() => parsePolicy(bad, 'policy.yaml')).toThrow(/roles\.Owner Unrecognized key/);
  });

  it('when the file is JSON, then it is read as well', () => {
    expect(parsePolicy('{"defaults":{"approvals":2,"justificationRequired":true}}', 'p.json').defaults).toEqual({ forbidden: false, approvals: 2, justificationRequired: true });
  });

  it('when POLICY_FILE names a file that does not exist, then it says so', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(/does not exist/);
  });
});
