// Opening a customer's GDAP relationship exactly once per request, across crashes, lost answers and two instances.
//
// Its display name is derived from the request id and Graph keeps display names unique across the partner's
// relationships: the request's own relationship is found again by name (in the customer's list, the documented
// customer/tenantId filter) before another is created, and a create Graph refused as a duplicate takes the one it holds.
import { createHash } from 'node:crypto';
import type { AccessRequest, PartnerUser } from '../domain/access-request';
import type { ChangeLog } from '../store/ports';
import type { Clock } from './clock';
import type { GdapGateway, GdapRelationship, RelationshipInvitation } from './relationships-ports';

export interface GdapOpeningSettings {
  readonly duration: string;
  readonly roleDefinitionIds: readonly string[];
  readonly autoExtendDuration?: string;
  readonly approvalUrl: (relationshipId: string) => string;
}

export interface GdapOpeningDependencies {
  readonly gdap: GdapGateway;
  readonly settings: GdapOpeningSettings;
  readonly changes: ChangeLog;
  readonly clock: Clock;
  /** Relationship ids other waiting requests of the customer were sent (the customer's pending one may be among them). */
  readonly known: () => Promise<readonly string[]>;
}

type Customer = { readonly tenantId: string; readonly name: string };

/** GDAP relationship statuses that still wait for the customer: such a relationship is sent again, not opened twice. */
const WAITING_FOR_CUSTOMER = new Set(['created', 'approvalpending']);
/** Statuses of a relationship that is over (or going): its name stays taken, and a new one needs another. */
const ENDED = new Set(['expiring', 'expired', 'terminationrequested', 'terminating', 'terminated']);
/** Graph: "Maximum length is 50 characters." */
const MAX_NAME = 50;
/** A UUID's hex digits: the longest request key kept as it is. */
const KEY_LENGTH = 32;
/** How many ended relationships of one request are stepped over (name, name 2, …) before giving up. */
const MAX_GENERATIONS = 9;

/**
 * The display name of the relationship opened for `request` (or, without one, for `requestedBy` that day): the
 * customer's name for people reading the admin center (shortened to fit Graph's 50 characters), then a key Graph's
 * uniqueness makes the request's own: the request id's 32 hex digits whole (a prefix would let two requests meet), or a
 * digest of an id longer than that.
 */
export function relationshipName(customer: Customer, key: { readonly request?: AccessRequest; readonly requestedBy: PartnerUser; readonly day: string }, generation = 1): string {
  const compact = (id: string) => id.replace(/-/g, '');
  const requestKey = (id: string) => (compact(id).length <= KEY_LENGTH ? compact(id) : createHash('sha256').update(id).digest('hex').slice(0, KEY_LENGTH));
  const tag = key.request ? requestKey(key.request.id) : `${key.day} ${compact(key.requestedBy.id).slice(0, 8)}`;
  const suffix = generation > 1 ? ` ${generation}` : '';
  const shown = customer.name.slice(0, MAX_NAME - tag.length - suffix.length - 1).trim();
  return `${shown ? `${shown} ` : ''}${tag}${suffix}`;
}

const same = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * What to invite `customer` to: the request's own relationship if Graph already holds it (created before a crash or a
 * lost answer), else the customer's pending one (Graph's, or one another waiting request was sent), else a new one with
 * the configured roles. Each is locked for approval if it was not yet.
 */
export async function openGdapRelationship(deps: GdapOpeningDependencies, customer: Customer, requestedBy: PartnerUser, request: AccessRequest | undefined, pendingId: string | undefined): Promise<RelationshipInvitation> {
  const { gdap, settings } = deps;
  const key = { ...(request ? { request } : {}), requestedBy, day: deps.clock.now().toISOString().slice(0, 10) };
  const invitation = (relationship: GdapRelationship): RelationshipInvitation => {
    const roles = relationship.roleDefinitionIds.length > 0 ? relationship.roleDefinitionIds : settings.roleDefinitionIds;
    return { customer, mode: 'gdap', url: settings.approvalUrl(relationship.id), gdap: { relationshipId: relationship.id, roleDefinitionIds: roles, duration: settings.duration } };
  };
  /**
   * Locks a `created` relationship for approval: true when this call did. False when another did meanwhile (a second
   * instance, or the click's job and the watcher on one request): Graph then refuses this lock, and the relationship
   * already waits for the customer; the one whose lock went through puts it on record.
   */
  const lock = async (id: string): Promise<boolean> => {
    try {
      await gdap.lockForApproval(id);
      return true;
    } catch (error) {
      const now = await gdap.getRelationship(id).catch(() => undefined);
      if (now?.status.toLowerCase() === 'approvalpending') return false;
      throw error;
    }
  };
  /** The request's own relationship, locked and put on record if whoever created it got no further (still `created`). */
  const own = async (relationship: GdapRelationship): Promise<RelationshipInvitation> => {
    if (relationship.status.toLowerCase() === 'created' && (await lock(relationship.id))) {
      await recordCreated(deps, customer, requestedBy, request, relationship.id, relationship.roleDefinitionIds.length > 0 ? relationship.roleDefinitionIds : settings.roleDefinitionIds);
    }
    return invitation(relationship);
  };

  // The request's own first: the first generation of its name that has not ended is the one it has (or will have).
  const held = await gdap.listRelationships(customer.tenantId);
  let name = relationshipName(customer, key);
  for (let generation = 2; ; generation += 1) {
    const found = held.find((r) => same(r.displayName, name));
    if (!found) break;
    if (!ENDED.has(found.status.toLowerCase())) return own(found);
    if (generation > MAX_GENERATIONS) throw new Error(`${MAX_GENERATIONS} GDAP relationships named after this request have ended`);
    name = relationshipName(customer, key, generation);
  }
  // Else the customer's pending one (shared by their waiting requests) rather than a second invitation to accept, but
  // only one asking for no role beyond the configured ones: a relationship an admin opened by hand with, say, Global
  // Administrator is not what this request may send the customer to approve.
  const configured = new Set(settings.roleDefinitionIds.map((role) => role.toLowerCase()));
  const withinConfigured = (relationship: GdapRelationship) => relationship.roleDefinitionIds.every((role) => configured.has(role.toLowerCase()));
  for (const id of [...(pendingId ? [pendingId] : []), ...new Set(await deps.known())]) {
    const existing = await gdap.getRelationship(id);
    if (existing && WAITING_FOR_CUSTOMER.has(existing.status.toLowerCase()) && withinConfigured(existing)) {
      if (existing.status.toLowerCase() === 'created') await lock(existing.id);
      return invitation(existing);
    }
  }
  let created: GdapRelationship;
  try {
    created = await gdap.createRelationship({
      displayName: name,
      duration: settings.duration,
      customer: { tenantId: customer.tenantId, displayName: customer.name },
      roleDefinitionIds: settings.roleDefinitionIds,
      ...(settings.autoExtendDuration ? { autoExtendDuration: settings.autoExtendDuration } : {}),
    });
  } catch (error) {
    // Graph may have created it and the answer was lost; the pipeline's retry then met the duplicate-name refusal.
    const again = await gdap.listRelationships(customer.tenantId).catch(() => []);
    const found = again.find((r) => same(r.displayName, name) && !ENDED.has(r.status.toLowerCase()));
    if (!found) throw error;
    return own(found);
  }
  if (await lock(created.id)) await recordCreated(deps, customer, requestedBy, request, created.id, settings.roleDefinitionIds);
  return invitation({ ...created, roleDefinitionIds: settings.roleDefinitionIds });
}

/** The creation on record, once the relationship is locked (a relationship found still `created` was never recorded). */
async function recordCreated(deps: GdapOpeningDependencies, customer: Customer, requestedBy: PartnerUser, request: AccessRequest | undefined, relationshipId: string, roles: readonly string[]): Promise<void> {
  await deps.changes.record({ audit: {
    ...(request ? { requestId: request.id } : {}),
    event: 'gdap_relationship_created',
    actor: requestedBy.id,
    at: deps.clock.now().toISOString(),
    detail: { customer: customer.tenantId, relationshipId, roles: [...roles], duration: deps.settings.duration },
    customer: { tenantId: customer.tenantId, name: customer.name },
  } });
}
