// Run in a child process: requires one module (without running it as main) and prints, as one JSON line, how long
// loading took, and per package (or per file of ours) how many modules it loaded and their own ("self") load time.
//   node dist/bench-build/bench/lib/require-cost.js <module path>
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';

export interface RequireCost {
  readonly totalMs: number;
  readonly modules: number;
  /** Inclusive time of each module the entry itself requires. */
  readonly direct: Record<string, number>;
  /** Self time (excluding what it requires in turn) and module count, per npm package or per file of ours. */
  readonly byOwner: Record<string, { readonly selfMs: number; readonly modules: number }>;
}

type Loader = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
interface ModuleInternals { _load: Loader; _resolveFilename(request: string, parent: NodeJS.Module | undefined): string }

/** The npm package a file belongs to (scoped names kept whole), or the file's path under the build for ours. */
export function ownerOf(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(file)?.[1];
  if (pkg) return pkg;
  const ours = /dist\/bench-build\/(.+)$/.exec(file)?.[1];
  return ours ?? file;
}

function measure(entry: string): RequireCost {
  const internals = Module as unknown as ModuleInternals;
  const original = internals._load;
  const childTime: number[] = [];
  const byOwner = new Map<string, { selfMs: number; modules: number }>();
  const direct: Record<string, number> = {};
  const entryFile = resolve(entry);
  const before = new Set(Object.keys(require.cache));
  internals._load = function load(this: unknown, request, parent, isMain) {
    let file: string;
    try {
      file = internals._resolveFilename(request, parent);
    } catch {
      file = request;
    }
    const fresh = !(file in require.cache);
    const started = performance.now();
    childTime.push(0);
    try {
      return original.call(this, request, parent, isMain);
    } finally {
      const spent = performance.now() - started;
      const inChildren = childTime.pop() ?? 0;
      if (childTime.length > 0) childTime[childTime.length - 1] = (childTime[childTime.length - 1] ?? 0) + spent;
      if (fresh) {
        const owner = ownerOf(file);
        const stat = byOwner.get(owner) ?? { selfMs: 0, modules: 0 };
        stat.selfMs += spent - inChildren;
        stat.modules++;
        byOwner.set(owner, stat);
      }
      if (parent?.filename === entryFile) direct[request] = (direct[request] ?? 0) + spent;
    }
  };
  const started = performance.now();
  try {
    createRequire(__filename)(entryFile);
  } finally {
    internals._load = original;
  }
  const totalMs = performance.now() - started;
  return {
    totalMs,
    modules: Object.keys(require.cache).filter((key) => !before.has(key)).length,
    direct,
    byOwner: Object.fromEntries([...byOwner].map(([owner, stat]) => [owner, { selfMs: Math.round(stat.selfMs * 10) / 10, modules: stat.modules }])),
  };
}

if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) throw new Error('usage: require-cost.js <module path>');
  process.stdout.write(`${JSON.stringify(measure(entry))}\n`);
  // Whatever the module started at load (nothing, for both bots) must not keep this process alive.
  process.exit(0);
}
