// When a lease taken now runs out: what both stores compare, as ISO times (which sort as times).

/**
 * The expiry a release writes: before any `now`, so the lease is free to anyone at once. The lease's row stays (with
 * its last holder), so taking it again is one write instead of a create after a delete.
 */
export const RELEASED = new Date(0).toISOString();

/** `now` and `now` + `ttlInMs` as stored; a ttl that is not a positive whole number, or a bad time, is a bug of ours. */
export function leaseExpiry(now: string, ttlInMs: number): { readonly at: string; readonly expiresAt: string } {
  if (!Number.isInteger(ttlInMs) || ttlInMs <= 0) throw new RangeError(`a lease's ttl must be a whole number of ms > 0, not ${ttlInMs}`);
  const at = Date.parse(now);
  if (Number.isNaN(at)) throw new RangeError(`not a time: "${now}"`);
  return { at: new Date(at).toISOString(), expiresAt: new Date(at + ttlInMs).toISOString() };
}
