// Who holds a lease, as both stores read it: a process of one bot instance, and when it started.
//
// A holder id written as `<instance>~<started ISO>~<process>` names the App Service instance (WEBSITE_INSTANCE_ID,
// stable across restarts) and the start of the process. App Service runs one bot process per instance, so a process
// that started later on the same instance succeeds an earlier one: that one was killed (kill -9, a crash, a restart)
// or is being replaced, and its leases are taken at once instead of waiting out their ttl. An earlier process never
// takes a later one's lease (it sees its renewal refused and stops before its next item). Any other id is only ever
// its own holder.

const SEPARATOR = '~';

interface Holder {
  readonly instance: string;
  readonly startedAt: string;
}

function holderOf(id: string): Holder | undefined {
  const parts = id.split(SEPARATOR);
  if (parts.length !== 3) return undefined;
  const [instance, startedAt] = parts;
  if (!instance || !startedAt || Number.isNaN(Date.parse(startedAt))) return undefined;
  return { instance, startedAt };
}

/** The holder id of a process of `instance` started at `startedAt`; `process` tells processes apart in logs and tests. */
export function instanceProcessHolder(instance: string, startedAt: Date, process: string): string {
  if (instance === '' || instance.includes(SEPARATOR) || process.includes(SEPARATOR)) throw new RangeError(`an instance or process id may not be empty nor hold "${SEPARATOR}"`);
  return [instance, startedAt.toISOString(), process].join(SEPARATOR);
}

/** true when `asking` is a later process of the instance that `held` ran on: it may take `held`'s lease at once. */
export function succeeds(asking: string, held: string): boolean {
  const next = holderOf(asking);
  const previous = holderOf(held);
  return next !== undefined && previous !== undefined && next.instance === previous.instance && next.startedAt > previous.startedAt;
}
