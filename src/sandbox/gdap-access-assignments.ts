// Microsoft Graph v1.0 GDAP access assignments (…/delegatedAdminRelationships/{id}/accessAssignments): list, get, create,
// delete. A new assignment answers 201 `pending` and becomes `active` after state.accessAssignmentActivationMs, as
// Microsoft activates it asynchronously; only active assignments give the group's members their Entra roles
// (state.partnerRolesIn). DELETE needs If-Match with the assignment's @odata.etag and answers 204, as Graph documents.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { headerValue, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import { graphError } from './graph-user-pages';
import type { GdapAccessAssignment, GdapRelationship, SandboxState } from './state';

const CONTEXT = 'https://graph.microsoft.com/v1.0/tenantRelationships/$metadata#accessAssignments';
const BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';

const createSchema = z.object({
  accessContainer: z.object({ accessContainerId: z.string().uuid(), accessContainerType: z.literal('securityGroup') }),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string().uuid() })).min(1) }),
});

/** A weak ETag that changes whenever the object does (Graph sends one on every item; updates need it in If-Match). */
export const etagOf = (lastModified: string): string => `W/"${Buffer.from(`"${lastModified}"`).toString('base64')}"`;

function assignmentBody(a: GdapAccessAssignment) {
  return {
    '@odata.type': '#microsoft.graph.delegatedAdminAccessAssignment',
    '@odata.etag': etagOf(a.lastModifiedDateTime),
    id: a.id,
    status: a.status,
    createdDateTime: a.createdDateTime,
    lastModifiedDateTime: a.lastModifiedDateTime,
    accessContainer: { accessContainerId: a.groupId, accessContainerType: 'securityGroup' },
    accessDetails: { unifiedRoles: a.roles.map((roleDefinitionId) => ({ roleDefinitionId })) },
  };
}

const LITERAL = "'((?:[^']|'')*)'";

/** $filter: `status eq '…'` and/or `accessContainer/accessContainerId eq '…'`; undefined when not understood. */
function parseFilter(filter: string): ((a: GdapAccessAssignment) => boolean) | undefined {
  const predicates: ((a: GdapAccessAssignment) => boolean)[] = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = new RegExp(`^\\s*(status|accessContainer/accessContainerId)\\s+eq\\s+${LITERAL}\\s*$`, 'i').exec(clause);
    if (!m?.[1] || m[2] === undefined) return undefined;
    const value = m[2].replace(/''/g, "'").toLowerCase();
    const byStatus = m[1].toLowerCase() === 'status';
    predicates.push((a) => (byStatus ? a.status : a.groupId).toLowerCase() === value);
  }
  return (a) => predicates.every((p) => p(a));
}

function create(state: SandboxState, req: SandboxRequest, relationship: GdapRelationship): SandboxResponse {
  const parsed = createSchema.safeParse(req.body);
  if (!parsed.success) return graphError(400, 'BadRequest', `Invalid delegatedAdminAccessAssignment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (relationship.status !== 'active') {
    return graphError(400, 'BadRequest', `The delegated admin relationship is ${relationship.status}: access assignments can only be created on an active relationship.`);
  }
  const roles = parsed.data.accessDetails.unifiedRoles.map((r) => r.roleDefinitionId.toLowerCase());
  const outside = roles.filter((r) => !relationship.roles.includes(r));
  if (outside.length > 0) {
    return graphError(400, 'BadRequest', `The roles ${outside.join(', ')} are not part of the delegated admin relationship's access details.`);
  }
  const groupId = parsed.data.accessContainer.accessContainerId;
  const group = state.findGroup(state.partner.tenantId, groupId);
  if (!group) return graphError(400, 'BadRequest', `The security group ${groupId} was not found in the partner tenant.`);
  const live = relationship.accessAssignments.find((a) => a.groupId.toLowerCase() === group.id.toLowerCase() && (a.status === 'pending' || a.status === 'active'));
  if (live) return graphError(409, 'Conflict', `The security group ${group.id} already has access assignment ${live.id} in this relationship; update that one instead.`);
  const now = Date.now();
  const stamp = new Date(now).toISOString();
  const assignment: GdapAccessAssignment = {
    id: randomUUID(), groupId: group.id, roles: [...new Set(roles)], status: 'pending', createdDateTime: stamp, lastModifiedDateTime: stamp,
    activatesAt: now + state.accessAssignmentActivationMs,
  };
  relationship.accessAssignments.push(assignment);
  const location = `${req.baseUrl}${BASE}/${relationship.id}/accessAssignments/${assignment.id}`;
  return json(201, { '@odata.context': CONTEXT, ...assignmentBody(assignment) }, { Location: location });
}

/**
 * DELETE …/accessAssignments/{id} (what a partner admin does in Partner Center): If-Match is required (Graph: "Last
 * known ETag value … Required"); 204 No Content. [inf] Graph's answers to a missing or stale ETag are not documented:
 * 400 and 412 here. The assignment then lists as `deleted` (a status Graph defines) and gives no role any more.
 */
function remove(req: SandboxRequest, assignment: GdapAccessAssignment): SandboxResponse {
  const ifMatch = headerValue(req.headers, 'if-match');
  if (ifMatch === undefined) return graphError(400, 'BadRequest', 'The If-Match header is required to delete a delegatedAdminAccessAssignment.');
  if (ifMatch !== '*' && ifMatch !== etagOf(assignment.lastModifiedDateTime)) return graphError(412, 'PreconditionFailed', 'The If-Match ETag does not match the access assignment: read it again.');
  if (assignment.status === 'deleted' || assignment.status === 'deleting') return graphError(404, 'ResourceNotFound', `Access assignment ${assignment.id} is already ${assignment.status}.`);
  assignment.status = 'deleted';
  assignment.lastModifiedDateTime = new Date().toISOString();
  delete assignment.activatesAt;
  return { status: 204 };
}

/** …/accessAssignments[/{id}] of one (already authorised) relationship; `rest` is what follows "accessAssignments". */
export function accessAssignmentsRoute(state: SandboxState, req: SandboxRequest, relationship: GdapRelationship, rest: readonly string[]): SandboxResponse | undefined {
  const [id, ...more] = rest;
  if (more.length > 0) return undefined;
  if (id === undefined && req.method === 'POST') return create(state, req, relationship);
  if (id !== undefined && req.method === 'DELETE') {
    const assignment = relationship.accessAssignments.find((a) => a.id.toLowerCase() === id.toLowerCase());
    return assignment ? remove(req, assignment) : graphError(404, 'ResourceNotFound', `Access assignment ${id} was not found in relationship ${relationship.id}.`);
  }
  if (req.method !== 'GET') return undefined;
  if (id === undefined) {
    const filterText = req.query.get('$filter');
    const filter = filterText === null ? () => true : parseFilter(filterText);
    if (!filter) return graphError(400, 'BadRequest', `Invalid filter clause: ${filterText ?? ''}`);
    return json(200, { '@odata.context': CONTEXT, value: relationship.accessAssignments.filter(filter).map(assignmentBody) });
  }
  const assignment = relationship.accessAssignments.find((a) => a.id.toLowerCase() === id.toLowerCase());
  if (!assignment) return graphError(404, 'ResourceNotFound', `Access assignment ${id} was not found in relationship ${relationship.id}.`);
  return json(200, { '@odata.context': `${CONTEXT}/$entity`, ...assignmentBody(assignment) });
}
