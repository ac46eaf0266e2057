// Leases on Table Storage: one kept entity per lease, taken, renewed and released by compare-and-set on its ETag.
import { leaseExpiry, RELEASED } from './lease-expiry';
import { succeeds } from './lease-holder';
import type { Leases } from './ports';
import { keyPart, readEntity, statusOf, stringOf, withStore, type TableContext } from './table-support';

const LEASE_ROW = 'lease';
const partitionOf = (name: string): string => `lease:${keyPart(name)}`;

/** A write the service refused because the entity moved (412), exists (409) or is gone (404): someone else's turn. */
async function refusedIfTaken(write: () => Promise<{ etag?: string }>): Promise<string | undefined | 'taken'> {
  try {
    return (await write()).etag;
  } catch (error: unknown) {
    const status = statusOf(error);
    if (status === 404 || status === 409 || status === 412) return 'taken';
    throw error;
  }
}

/*
 * The entity is kept: a release writes its expiry into the past (RELEASED), keeping the row and its holder (only a
 * one-off claim's release removes it, so a row per request does not pile up). So the instance that held it last
 * takes it again with one write on the ETag it remembers (the usual case: one instance sends the outbox after most
 * turns), and any other with one read and one write. A process that never wrote it tries a create first: a request's
 * claim is new (one request), and a kept row costs that process one refused create, once. A create and a delete per
 * run cost the same two requests as a take and a release, but left nothing to remember between runs.
 */
export function tableLeases(context: TableContext): Leases {
  /*
   * The ETag of each lease this instance wrote last, and for whom. Renewing, or taking again after a release, then
   * costs one round trip: a write on that ETag, which the service refuses if anyone wrote in between; only then is
   * the entity read to see whose it is.
   */
  const written = new Map<string, { readonly holder: string; readonly etag: string }>();
  const remember = (name: string, holder: string, etag: string | undefined): boolean => {
    if (etag === undefined) written.delete(name);
    else written.set(name, { holder, etag });
    return true;
  };
  const write = (name: string, holder: string, expiresAt: string, etag: string | undefined, signal: AbortSignal) => () => {
    const entity = { partitionKey: partitionOf(name), rowKey: LEASE_ROW, holder, expiresAt };
    return etag === undefined
      ? context.client.createEntity(entity, { abortSignal: signal })
      : context.client.updateEntity(entity, 'Replace', { etag, abortSignal: signal });
  };
  return {
    acquire: (name, holder, ttlInMs, now) => withStore('take a lease', context.deadline(), async (signal) => {
      const { at, expiresAt } = leaseExpiry(now, ttlInMs);
      const mine = written.get(name);
      if (mine?.holder === holder) {
        // Ours when last written (held, or released by us): nobody wrote since if the ETag still matches.
        const renewed = await refusedIfTaken(write(name, holder, expiresAt, mine.etag, signal));
        if (renewed !== 'taken') return remember(name, holder, renewed);
      } else if (!mine) {
        // Never written here: most often a claim on one request, which nobody took before (one request, not two).
        const created = await refusedIfTaken(write(name, holder, expiresAt, undefined, signal));
        if (created !== 'taken') return remember(name, holder, created);
      }
      written.delete(name);
      const current = await readEntity(context, partitionOf(name), LEASE_ROW, signal);
      if (!current) {
        // Never taken (or removed by hand). Two creating at once: the service lets one in (409 for the other).
        const created = await refusedIfTaken(write(name, holder, expiresAt, undefined, signal));
        return created !== 'taken' && remember(name, holder, created);
      }
      const expiry = stringOf(current, 'expiresAt');
      const heldBy = stringOf(current, 'holder') ?? '';
      // Another's and still running at `now`: not ours, unless its holder is an earlier process of this instance (dead).
      // (A lease with no expiry is a leftover: taken.)
      if (heldBy !== holder && expiry !== undefined && expiry > at && !succeeds(holder, heldBy)) return false;
      const taken = await refusedIfTaken(write(name, holder, expiresAt, current.etag, signal));
      return taken !== 'taken' && remember(name, holder, taken);
    }),
    release: (name, holder, options) => withStore('release a lease', context.deadline(), async (signal) => {
      const mine = written.get(name);
      let etag = mine?.holder === holder ? mine.etag : undefined;
      if (etag === undefined) {
        const current = await readEntity(context, partitionOf(name), LEASE_ROW, signal);
        if (!current || stringOf(current, 'holder') !== holder) return;
        etag = current.etag;
      }
      // On its ETag: a lease another instance took after ours ran out (412), or one removed (404), stays as it is.
      if (options?.remove === true) {
        const removeOnEtag = etag;
        written.delete(name);
        await refusedIfTaken(async () => {
          await context.client.deleteEntity(partitionOf(name), LEASE_ROW, { etag: removeOnEtag, abortSignal: signal });
          return {};
        });
        return;
      }
      const released = await refusedIfTaken(write(name, holder, RELEASED, etag, signal));
      if (released === 'taken') written.delete(name);
      else remember(name, holder, released);
    }),
  };
}
