// Public surface of the sandbox cloud.
import type { RunningSandbox, StartSandboxOptions } from './server';

export type { RunningSandbox, StartSandboxOptions } from './server';
export { loadDefaultSeed, parseSeed, type SandboxSeed, type SandboxSeedInput } from './seed';
export { SandboxState, type StoredRoleAssignment } from './state';
export type { FaultInjector, FaultKind, FaultOperation, FaultSpec } from './faults';
export type { RecordedRequest } from './http-kit';
export type { AppCredentials, IssueRefreshTokenOptions } from './entra';

/**
 * Starts the sandbox cloud. Its server (routes, Entra, the certificate code and its X.509 libraries) is loaded on
 * the first call, not on import: a bot on a real cloud imports this module but never starts a sandbox, and loading
 * that code cost it ~1/3 of its own start-up beyond the echo bot's (bench/README.md, start-up). `require` rather than
 * `import()`: the build is CommonJS, and jest runs it without ESM support.
 */
export function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use on purpose (see above)
  const server = require('./server') as typeof import('./server');
  return server.startSandbox(options);
}
