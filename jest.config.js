/** Jest runs the TypeScript tests through ts-jest with full type checking. */

// The test guards (test/hygiene/guards.cjs: no connection beyond loopback, no write into the checkout) load first in
// every worker and every process a test starts: NODE_OPTIONS is read when node starts, and the workers and their
// children inherit it. setupFiles covers a run in band (jest's own process, already started).
const guards = `${__dirname}/test/hygiene/guards.cjs`;
if (!(process.env.NODE_OPTIONS ?? '').includes(guards)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(guards)}`.trim();
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  setupFiles: [guards],
  setupFilesAfterEnv: ['<rootDir>/test/hygiene/fail-on-refusals.ts'],
  testTimeout: 30000,
};
