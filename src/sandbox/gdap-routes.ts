// Microsoft Graph v1.0 GDAP subset: create, get and lock (requests: lockForApproval) delegatedAdminRelationships.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errorFor, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import { graphRoute } from './graph-routes';
import type { SandboxState } from './state';

export interface SandboxGdapRelationship {
  id: string;
  displayName: string;
  duration: string;
  customer: { tenantId: string; displayName: string };
  accessDetails: { unifiedRoles: { roleDefinitionId: string }[] };
  autoExtendDuration: string;
  status: 'created' | 'approvalPending' | 'active';
  createdDateTime: string;
  lastModifiedDateTime: string;
  activatedDateTime: string;
  endDateTime: string;
}

/** The sandbox's GDAP relationships, kept beside its state (one map per running sandbox). */
const relationships = new WeakMap<SandboxState, Map<string, SandboxGdapRelationship>>();
export function gdapRelationshipsOf(state: SandboxState): Map<string, SandboxGdapRelationship> {
  let map = relationships.get(state);
  if (!map) {
    map = new Map();
    relationships.set(state, map);
  }
  return map;
}

const createSchema = z.object({
  displayName: z.string().min(1).max(50),
  duration: z.string().regex(/^P\d+D$/),
  customer: z.object({ tenantId: z.string().uuid(), displayName: z.string().optional() }),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string().uuid() })).min(1) }),
  autoExtendDuration: z.enum(['P180D', 'PT0S']).optional(),
});
const requestSchema = z.object({ action: z.enum(['lockForApproval', 'approve', 'terminate', 'reject']) });

const BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';
const graphError = (status: number, code: string, message: string) => errorFor('Graph', status, code, message);

function body(r: SandboxGdapRelationship, baseUrl: string) {
  return {
    '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
    '@odata.context': `${baseUrl}/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships/$entity`,
    '@odata.etag': `W/"${Buffer.from(r.lastModifiedDateTime).toString('base64')}"`,
    ...r,
  };
}

/** Makes a relationship active (what the customer's approval does) and grants the delegated access that comes with it. */
export function activateGdapRelationship(state: SandboxState, id: string, now = new Date()): SandboxGdapRelationship | undefined {
  const relationship = gdapRelationshipsOf(state).get(id);
  if (!relationship || relationship.status !== 'approvalPending') return undefined;
  relationship.status = 'active';
  relationship.activatedDateTime = now.toISOString();
  relationship.lastModifiedDateTime = now.toISOString();
  state.setDelegatedAccess(relationship.customer.tenantId, true);
  return relationship;
}

/** Handles /v1.0/tenantRelationships/delegatedAdminRelationships…; undefined for any other path. */
export function gdapRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  if (!req.path.toLowerCase().startsWith(BASE.toLowerCase())) return undefined;
  const [, , , id, sub, ...rest] = req.segments.map((s) => decodeURIComponent(s));
  const map = gdapRelationshipsOf(state);
  if (id === undefined && req.method === 'POST') {
    const parsed = createSchema.safeParse(req.body);
    if (!parsed.success) return graphError(400, 'BadRequest', `Invalid delegatedAdminRelationship: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const customer = state.customer(parsed.data.customer.tenantId);
    if (!customer) return graphError(400, 'BadRequest', `The customer tenant ${parsed.data.customer.tenantId} is not a customer of this partner.`);
    const now = new Date();
    const days = Number(/^P(\d+)D$/.exec(parsed.data.duration)?.[1] ?? 0);
    if (days < 1 || days > 730) return graphError(400, 'BadRequest', 'The duration must be between P1D and P730D.');
    const relationship: SandboxGdapRelationship = {
      id: `${state.partner.tenantId}-${randomUUID()}`,
      displayName: parsed.data.displayName,
      duration: parsed.data.duration,
      customer: { tenantId: customer.id, displayName: parsed.data.customer.displayName ?? customer.companyName },
      accessDetails: { unifiedRoles: parsed.data.accessDetails.unifiedRoles },
      autoExtendDuration: parsed.data.autoExtendDuration ?? 'PT0S',
      status: 'created',
      createdDateTime: now.toISOString(),
      lastModifiedDateTime: now.toISOString(),
      activatedDateTime: '',
      endDateTime: new Date(now.getTime() + days * 86_400_000).toISOString(),
    };
    map.set(relationship.id, relationship);
    return json(201, body(relationship, req.baseUrl), { Location: `${req.baseUrl}${BASE}/${relationship.id}` });
  }
  if (id === undefined) return graphError(405, 'MethodNotAllowed', 'The sandbox lists no GDAP relationships.');
  const relationship = map.get(id);
  if (!relationship) return graphError(404, 'ResourceNotFound', `Relationship ${id} was not found.`);
  if (sub === undefined && rest.length === 0 && req.method === 'GET') return json(200, body(relationship, req.baseUrl));
  if (sub?.toLowerCase() === 'requests' && rest.length === 0 && req.method === 'POST') {
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) return graphError(400, 'BadRequest', 'Expected {"action": "lockForApproval" | "terminate" | …}.');
    if (parsed.data.action !== 'lockForApproval') return graphError(400, 'BadRequest', `The sandbox supports lockForApproval only, not ${parsed.data.action}.`);
    if (relationship.status !== 'created') return graphError(400, 'BadRequest', `The relationship is ${relationship.status}; only a created relationship can be locked for approval.`);
    const now = new Date().toISOString();
    relationship.status = 'approvalPending';
    relationship.lastModifiedDateTime = now;
    return json(201, { '@odata.type': '#microsoft.graph.delegatedAdminRelationshipRequest', id: randomUUID(), action: 'lockForApproval', status: 'created', createdDateTime: now, lastModifiedDateTime: now });
  }
  return undefined;
}

/** Graph as the sandbox serves it: GDAP relationships, then users and groups. */
export const graphWithGdapRoute = (state: SandboxState, req: SandboxRequest): SandboxResponse | undefined => gdapRoute(state, req) ?? graphRoute(state, req);
