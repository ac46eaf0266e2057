// Microsoft Graph v1.0 GDAP: delegatedAdminRelationships (list with $filter and paging, get, create, lockForApproval),
// kept in state.gdapRelationships; access assignments are served by gdap-access-assignments.ts.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { json, type SandboxRequest, type SandboxResponse } from './http-kit';
import { graphRoute } from './graph-routes';
import { graphError } from './graph-user-pages';
import { authorizeGdap } from './graph-access';
import { accessAssignmentsRoute, etagOf } from './gdap-access-assignments';
import type { GdapRelationship, SandboxState } from './state';

const createSchema = z.object({
  displayName: z.string().min(1).max(50),
  duration: z.string().regex(/^P\d+D$/),
  customer: z.object({ tenantId: z.string().uuid(), displayName: z.string().optional() }),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string().uuid() })).min(1) }),
  autoExtendDuration: z.enum(['P180D', 'PT0S', 'P0D']).optional(),
});
const requestSchema = z.object({ action: z.enum(['lockForApproval', 'approve', 'terminate', 'reject']) });

export const GDAP_BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';
const CONTEXT = 'https://graph.microsoft.com/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships';
/** "$top … ≤ 300" (CSP notes §2.1); the sandbox's default page is the same size. */
const MAX_PAGE_SIZE = 300;

function relationshipBody(r: GdapRelationship) {
  return {
    '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
    '@odata.etag': etagOf(r.lastModifiedDateTime),
    id: r.id,
    displayName: r.displayName,
    duration: r.duration,
    customer: { tenantId: r.customerTenantId, displayName: r.customerDisplayName },
    accessDetails: { unifiedRoles: r.roles.map((roleDefinitionId) => ({ roleDefinitionId })) },
    status: r.status,
    autoExtendDuration: r.autoExtendDuration,
    createdDateTime: r.createdDateTime,
    lastModifiedDateTime: r.lastModifiedDateTime,
    // The create example shows "" before activation.
    activatedDateTime: r.activatedDateTime ?? '',
    endDateTime: r.endDateTime,
  };
}

export const findRelationship = (state: SandboxState, id: string): GdapRelationship | undefined =>
  state.gdapRelationships.find((r) => r.id.toLowerCase() === id.toLowerCase());

const durationMs = (duration: string): number => Number(/^P(\d+)D$/.exec(duration)?.[1] ?? 0) * 86_400_000;

/** Makes a relationship active (what the customer's approval does). Roles reach partner users only through access assignments. */
export function activateGdapRelationship(state: SandboxState, id: string, now = new Date()): GdapRelationship | undefined {
  const relationship = findRelationship(state, id);
  if (!relationship || relationship.status !== 'approvalPending') return undefined;
  relationship.status = 'active';
  relationship.activatedDateTime = now.toISOString();
  relationship.endDateTime = new Date(now.getTime() + durationMs(relationship.duration)).toISOString();
  relationship.lastModifiedDateTime = now.toISOString();
  return relationship;
}

const LITERAL = "'((?:[^']|'')*)'";

/** $filter: `customer/tenantId eq '…'`, `status eq '…'`, `displayName eq '…'`, joined by `and`; undefined when not understood. */
function parseFilter(filter: string): ((r: GdapRelationship) => boolean) | undefined {
  const predicates: ((r: GdapRelationship) => boolean)[] = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = new RegExp(`^\\s*(customer/tenantId|status|displayName)\\s+eq\\s+${LITERAL}\\s*$`, 'i').exec(clause);
    if (!m?.[1] || m[2] === undefined) return undefined;
    const value = m[2].replace(/''/g, "'").toLowerCase();
    const field = m[1].toLowerCase();
    predicates.push((r) => (field === 'status' ? r.status : field === 'displayname' ? r.displayName : r.customerTenantId).toLowerCase() === value);
  }
  return (r) => predicates.every((p) => p(r));
}

function listRelationships(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const filterText = req.query.get('$filter');
  const filter = filterText === null ? () => true : parseFilter(filterText);
  if (!filter) return graphError(400, 'BadRequest', `Invalid filter clause: ${filterText ?? ''}`);
  const topText = req.query.get('$top');
  const top = topText === null ? MAX_PAGE_SIZE : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) return graphError(400, 'BadRequest', `Invalid page size specified: '${topText ?? ''}'. Must be between 1 and ${MAX_PAGE_SIZE}.`);
  const skip = Number(req.query.get('$skipToken') ?? req.query.get('$skiptoken') ?? '0') || 0;
  const matches = state.gdapRelationships.filter(filter);
  const body: Record<string, unknown> = { '@odata.context': CONTEXT };
  if (skip + top < matches.length) {
    const next = new URLSearchParams(req.query);
    next.delete('$skiptoken');
    next.set('$skipToken', String(skip + top));
    body['@odata.nextLink'] = `${req.baseUrl}${req.path}?${next.toString()}`;
  }
  body.value = matches.slice(skip, skip + top).map(relationshipBody);
  return json(200, body);
}

function createRelationship(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const parsed = createSchema.safeParse(req.body);
  if (!parsed.success) return graphError(400, 'BadRequest', `Invalid delegatedAdminRelationship: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const customer = state.customer(parsed.data.customer.tenantId);
  if (!customer) return graphError(400, 'BadRequest', `The customer tenant ${parsed.data.customer.tenantId} is not a customer of this partner.`);
  const days = durationMs(parsed.data.duration) / 86_400_000;
  if (days < 1 || days > 730) return graphError(400, 'BadRequest', 'The duration must be between P1D and P730D.');
  if (state.gdapRelationships.some((r) => r.displayName.toLowerCase() === parsed.data.displayName.toLowerCase())) {
    return graphError(400, 'BadRequest', `A delegated admin relationship named '${parsed.data.displayName}' already exists: display names are unique across the partner's relationships.`);
  }
  const now = new Date();
  const relationship: GdapRelationship = {
    id: `${state.partner.tenantId}-${randomUUID()}`,
    displayName: parsed.data.displayName,
    customerTenantId: customer.id,
    customerDisplayName: parsed.data.customer.displayName ?? customer.companyName,
    status: 'created',
    duration: parsed.data.duration,
    createdDateTime: now.toISOString(),
    lastModifiedDateTime: now.toISOString(),
    activatedDateTime: null,
    endDateTime: new Date(now.getTime() + days * 86_400_000).toISOString(),
    autoExtendDuration: parsed.data.autoExtendDuration === 'P180D' ? 'P180D' : 'PT0S',
    roles: parsed.data.accessDetails.unifiedRoles.map((r) => r.roleDefinitionId.toLowerCase()),
    accessAssignments: [],
  };
  state.gdapRelationships.push(relationship);
  return json(201, { '@odata.context': CONTEXT, ...relationshipBody(relationship) }, { Location: `${req.baseUrl}${GDAP_BASE}/${relationship.id}` });
}

function lockForApproval(relationship: GdapRelationship, req: SandboxRequest): SandboxResponse {
  const parsed = requestSchema.safeParse(req.body);
  if (!parsed.success) return graphError(400, 'BadRequest', 'Expected {"action": "lockForApproval" | "terminate" | …}.');
  if (parsed.data.action !== 'lockForApproval') return graphError(400, 'BadRequest', `The sandbox supports lockForApproval only, not ${parsed.data.action}.`);
  if (relationship.status !== 'created') return graphError(400, 'BadRequest', `The relationship is ${relationship.status}; only a created relationship can be locked for approval.`);
  const now = new Date().toISOString();
  relationship.status = 'approvalPending';
  relationship.lastModifiedDateTime = now;
  return json(201, { '@odata.type': '#microsoft.graph.delegatedAdminRelationshipRequest', id: randomUUID(), action: 'lockForApproval', status: 'created', createdDateTime: now, lastModifiedDateTime: now });
}

/** Handles /v1.0/tenantRelationships/delegatedAdminRelationships…; undefined for any other path. */
export function gdapRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  const path = req.path.toLowerCase();
  if (path !== GDAP_BASE.toLowerCase() && !path.startsWith(`${GDAP_BASE.toLowerCase()}/`)) return undefined;
  const refused = authorizeGdap(state, req, req.method !== 'GET');
  if (refused) return refused;
  state.settleAccessAssignments();
  const [, , , id, sub, ...rest] = req.segments.map((s) => decodeURIComponent(s));
  if (id === undefined) {
    if (req.method === 'GET') return listRelationships(state, req);
    return req.method === 'POST' ? createRelationship(state, req) : undefined;
  }
  const relationship = findRelationship(state, id);
  if (!relationship) return graphError(404, 'ResourceNotFound', `Relationship ${id} was not found.`);
  if (sub === undefined && req.method === 'GET') return json(200, { '@odata.context': `${CONTEXT}/$entity`, ...relationshipBody(relationship) });
  if (sub?.toLowerCase() === 'requests' && rest.length === 0 && req.method === 'POST') return lockForApproval(relationship, req);
  if (sub?.toLowerCase() === 'accessassignments') return accessAssignmentsRoute(state, req, relationship, rest);
  return undefined;
}

/** Graph as the sandbox serves it: GDAP relationships, then users and groups. */
export const graphWithGdapRoute = (state: SandboxState, req: SandboxRequest): SandboxResponse | undefined => gdapRoute(state, req) ?? graphRoute(state, req);
