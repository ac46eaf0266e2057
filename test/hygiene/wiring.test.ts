// The guards are wired into every run: jest.config.js loads them in each worker, in-band run and child process, and a
// test during which something was refused fails even when its code swallowed the error.
import { join } from 'node:path';
import { checkout, takeRefusals, withGuards } from './guards.cjs';
import { assertNothingRefused } from './refusal-report';

const GUARDS = join(checkout, 'test', 'hygiene', 'guards.cjs');

describe('test guards wiring', () => {
  it('when jest runs, then the guards are preloaded through NODE_OPTIONS (workers, children) and setupFiles (in band), and refusals fail the test', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS, read as jest reads it
    const config = require('../../jest.config.js') as { setupFiles?: string[]; setupFilesAfterEnv?: string[] };
    expect(config.setupFiles).toContain(GUARDS);
    expect(config.setupFilesAfterEnv).toContain('<rootDir>/test/hygiene/fail-on-refusals.ts');
    expect(process.env.NODE_OPTIONS).toContain(`--require ${JSON.stringify(GUARDS)}`);
    expect(withGuards(process.env.NODE_OPTIONS)).toBe(process.env.NODE_OPTIONS);
    expect(withGuards('--max-old-space-size=512')).toBe(`--max-old-space-size=512 --require ${JSON.stringify(GUARDS)}`);
  });

  it('when something was refused and the code swallowed the error, then the after-test check fails naming it and the caller', () => {
    const report = () => assertNothingRefused([{ kind: 'network', target: 'login.microsoftonline.com:443', stack: 'Error: x\n    at acquireToken (src/gateways/credentials.ts:10:5)' }], 'during this test');
    expect(report).toThrow(/refused one thing during this test[\s\S]*reached for login\.microsoftonline\.com:443[\s\S]*acquireToken/);
    expect(() => assertNothingRefused([], 'during this test')).not.toThrow();
    expect(takeRefusals()).toEqual([]);
  });
});
