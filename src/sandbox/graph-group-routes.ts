// Microsoft Graph v1.0 group membership: a group's transitive user members and a user's checkMemberGroups.
import { json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SeedGroup } from './seed';
import type { SandboxState } from './state';
import { authorizeGroupMemberRead } from './graph-access';
import { findUser, graphError, invalidSelect, parseSelect, resourceNotFound, userPage } from './graph-user-pages';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Graph's limit: "You can check up to a maximum of 20 groups per request." */
const MAX_CHECKED_GROUPS = 20;
const STRINGS_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)';

/**
 * GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user: the group's users, direct or nested, once each.
 * Groups of the token's tenant only; another tenant's group is 404 like an unknown one. Needs GroupMember.Read.All or wider.
 */
export function groupRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  const [, , key, relation, cast, ...rest] = req.segments;
  if (req.method !== 'GET' || key === undefined || rest.length > 0) return undefined;
  if (relation === undefined) return groupByIdRoute(state, req, key);
  if (relation.toLowerCase() !== 'transitivemembers' || cast?.toLowerCase() !== 'microsoft.graph.user') return undefined;
  const group = readableGroup(state, req, key);
  if ('status' in group) return group;
  const select = parseSelect(req);
  if (select === 'invalid') return invalidSelect();
  return userPage(req, state.transitiveUsers(group), select);
}

/** The group `key` names in the token's tenant, or Graph's refusal: no group permission (403), not a GUID (400), unknown (404). */
function readableGroup(state: SandboxState, req: SandboxRequest, key: string): SeedGroup | SandboxResponse {
  const refused = authorizeGroupMemberRead(state, req);
  if (refused) return refused;
  const groupId = decodeURIComponent(key);
  if (!GUID.test(groupId)) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${groupId}'.`);
  return state.findGroup(req.token.tenantId, groupId) ?? resourceNotFound(key);
}

/** GET /v1.0/groups/{id}[?$select=…]: the group (id, displayName, securityEnabled) of the token's tenant; 404 otherwise. */
function groupByIdRoute(state: SandboxState, req: SandboxRequest, key: string): SandboxResponse {
  const group = readableGroup(state, req, key);
  if ('status' in group) return group;
  return json(200, {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups/$entity',
    id: group.id,
    displayName: group.displayName,
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
  });
}

function groupIdsOf(body: unknown): string[] | undefined {
  if (typeof body !== 'object' || body === null || !('groupIds' in body)) return undefined;
  const ids: unknown = body.groupIds;
  return Array.isArray(ids) && ids.every((id): id is string => typeof id === 'string') ? ids : undefined;
}

/**
 * POST /v1.0/users/{id | userPrincipalName}/checkMemberGroups with {"groupIds": [...]}: the ids, from that list, of
 * groups the user is a direct or transitive member of. Unknown group ids are simply not returned.
 */
export function userActionRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  const [, , key, action, ...rest] = req.segments;
  if (req.method !== 'POST' || key === undefined || action?.toLowerCase() !== 'checkmembergroups' || rest.length > 0) return undefined;
  const refused = authorizeGroupMemberRead(state, req);
  if (refused) return refused;
  const groupIds = groupIdsOf(req.body);
  if (!groupIds) return graphError(400, 'Request_BadRequest', "The request body must be a JSON object with a 'groupIds' string collection.");
  if (groupIds.length > MAX_CHECKED_GROUPS) {
    return graphError(400, 'Request_BadRequest', `At most ${MAX_CHECKED_GROUPS} group ids can be checked per request; ${groupIds.length} were given.`);
  }
  const invalid = groupIds.find((id) => !GUID.test(id));
  if (invalid !== undefined) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${invalid}'.`);
  const user = findUser(state, req, key);
  if (!user) return resourceNotFound(key);
  const memberOf = new Set<string>();
  for (const id of groupIds) {
    const group = state.findGroup(user.tenantId, id);
    if (group && state.transitiveUsers(group).includes(user)) memberOf.add(group.id);
  }
  return json(200, { '@odata.context': STRINGS_CONTEXT, value: [...memberOf] });
}
