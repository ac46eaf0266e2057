// Public surface of the sandbox cloud.
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './server';
export { loadDefaultSeed, parseSeed, type SandboxSeed, type SandboxSeedInput } from './seed';
export { SandboxState, type StoredRoleAssignment } from './state';
export type { FaultInjector, FaultKind, FaultOperation, FaultSpec } from './faults';
export type { RecordedRequest } from './http-kit';
export type { AppCredentials, IssueRefreshTokenOptions } from './entra';
