// The built-in sandbox cloud, loaded on first use: a bot on Microsoft's clouds never imports its code.
import type { RunningSandbox, StartSandboxOptions } from './sandbox';

/*
 * The sandbox's code is loaded only when the bot starts one (CLOUD=sandbox without endpoints): a bot on a real cloud
 * never needs it, and importing it cost 13 modules (its seed, state and routes) on the way to listening.
 * `require` rather than `import()`: the build is CommonJS and jest has no ESM VM; the types come from type-only imports.
 */
export function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use on purpose (see above)
  return (require('./sandbox') as typeof import('./sandbox')).startSandbox(options);
}

export function sandboxApprovalUrl(sandbox: RunningSandbox): () => string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only with a sandbox (see above)
  const { sandboxRelationshipUrl } = require('./sandbox/relationship-page') as typeof import('./sandbox/relationship-page');
  return () => sandboxRelationshipUrl(sandbox.url, sandbox.state.partner.partnerId);
}
