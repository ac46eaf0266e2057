// Turns what the test guards refused into a test failure that names each host or file and the code that asked for it.
import type { Refusal } from './guards.cjs';

export function assertNothingRefused(refusals: readonly Refusal[], when: string): void {
  if (refusals.length === 0) return;
  // The guard's own frames say nothing: the caller's are shown.
  const callers = (stack: string) => stack.split('\n').slice(1).filter((line) => !line.includes('/test/hygiene/')).slice(0, 6).join('\n');
  const lines = refusals.map((r) => `- ${r.kind === 'network' ? 'reached for' : 'wrote'} ${r.target}\n${callers(r.stack)}`);
  throw new Error(`The test guards refused ${refusals.length === 1 ? 'one thing' : `${refusals.length} things`} ${when} (see test/hygiene/):\n${lines.join('\n')}`);
}
