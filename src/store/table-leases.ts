// Leases on Table Storage: one entity per lease, taken and renewed by compare-and-set on its ETag.
import { leaseExpiry } from './lease-expiry';
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

export function tableLeases(context: TableContext): Leases {
  /*
   * The ETag of each lease this instance wrote last. Renewing (or taking again after a release) then costs one round
   * trip: a write on that ETag, or a create, which the service refuses if anyone wrote in between; only then is the
   * entity read to see whose it is.
   */
  const written = new Map<string, { readonly holder: string; readonly etag: string }>();
  const remember = (name: string, holder: string, etag: string | undefined): boolean => {
    if (etag === undefined) written.delete(name);
    else written.set(name, { holder, etag });
    return true;
  };
  return {
    acquire: (name, holder, ttlInMs, now) => withStore('take a lease', context.deadline(), async (signal) => {
      const { at, expiresAt } = leaseExpiry(now, ttlInMs);
      const entity = { partitionKey: partitionOf(name), rowKey: LEASE_ROW, holder, expiresAt };
      const create = () => context.client.createEntity(entity, { abortSignal: signal });
      const replace = (etag: string) => () => context.client.updateEntity(entity, 'Replace', { etag, abortSignal: signal });
      const mine = written.get(name);
      const first = await refusedIfTaken(mine?.holder === holder ? replace(mine.etag) : create);
      if (first !== 'taken') return remember(name, holder, first);
      written.delete(name);
      const current = await readEntity(context, entity.partitionKey, LEASE_ROW, signal);
      if (!current) {
        const created = await refusedIfTaken(create);
        return created !== 'taken' && remember(name, holder, created);
      }
      const expiry = stringOf(current, 'expiresAt');
      const heldBy = stringOf(current, 'holder') ?? '';
      // Another's and still running at `now`: not ours, unless its holder is an earlier process of this instance (dead).
      // (A lease with no expiry is a leftover: taken.)
      if (heldBy !== holder && expiry !== undefined && expiry > at && !succeeds(holder, heldBy)) return false;
      const replaced = await refusedIfTaken(replace(current.etag));
      return replaced !== 'taken' && remember(name, holder, replaced);
    }),
    release: (name, holder) => withStore('release a lease', context.deadline(), async (signal) => {
      const mine = written.get(name);
      written.delete(name);
      let etag = mine?.holder === holder ? mine.etag : undefined;
      if (etag === undefined) {
        const current = await readEntity(context, partitionOf(name), LEASE_ROW, signal);
        if (!current || stringOf(current, 'holder') !== holder) return;
        etag = current.etag;
      }
      // On its ETag: a lease another instance took after ours ran out (412), or one already gone (404), stays as it is.
      await refusedIfTaken(async () => {
        await context.client.deleteEntity(partitionOf(name), LEASE_ROW, { etag, abortSignal: signal });
        return {};
      });
    }),
  };
}
