// What Graph's user routes share: lookup by id or UPN, the property set, $select, the default projection, paging.
import { errorFor, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SeedUser } from './seed';
import type { SandboxState } from './state';

export type UserProperty = 'id' | 'displayName' | 'givenName' | 'surname' | 'userPrincipalName' | 'mail' | 'userType' | 'jobTitle';
const PROPERTIES: readonly UserProperty[] = ['id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'userType', 'jobTitle'];
/** Graph names the entity set, not the navigation path: a cast to microsoft.graph.user is "#users" too. */
export const USERS_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#users';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

export const graphError = (status: number, code: string, message: string): SandboxResponse => errorFor('Graph', status, code, message);

/** Graph's 404 for an object id (or UPN) that the token's tenant does not have. */
export const resourceNotFound = (key: string): SandboxResponse =>
  graphError(404, 'Request_ResourceNotFound', `Resource '${decodeURIComponent(key)}' does not exist or one of its queried reference-property objects are not present.`);

/** A user of the token's tenant by object id or UPN (the path segment, still percent-encoded). */
export function findUser(state: SandboxState, req: SandboxRequest, key: string): SeedUser | undefined {
  const idOrUpn = decodeURIComponent(key).toLowerCase();
  return state.usersOf(req.token.tenantId).find((u) => u.id.toLowerCase() === idOrUpn || u.userPrincipalName.toLowerCase() === idOrUpn);
}

export const asProperty = (name: string): UserProperty | undefined => PROPERTIES.find((p) => p.toLowerCase() === name.toLowerCase());

/** The $select-ed user properties; undefined without $select; 'invalid' when one is not a user property. */
export function parseSelect(req: SandboxRequest): UserProperty[] | undefined | 'invalid' {
  const select = req.query.get('$select');
  if (select === null) return undefined;
  const props = select.split(',').map((s) => asProperty(s.trim()));
  return props.some((p) => p === undefined) ? 'invalid' : props.filter((p): p is UserProperty => p !== undefined);
}

export const invalidSelect = (): SandboxResponse =>
  graphError(400, 'Request_BadRequest', "Could not find a property named in $select on type 'microsoft.graph.user'.");

/** The default property set of GET /users (ex01), or just the $select-ed properties. */
export function project(u: SeedUser, select: UserProperty[] | undefined): Record<string, unknown> {
  if (select) return Object.fromEntries(select.map((p) => [p, u[p]]));
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
}

/**
 * One page of users as Graph answers a collection: `$top` (default 100, at most 999), `@odata.count` on
 * `$count=true`, and an absolute `@odata.nextLink` back to the same path with a `$skiptoken` while more remain.
 */
export function userPage(req: SandboxRequest, users: readonly SeedUser[], select: UserProperty[] | undefined): SandboxResponse {
  const topText = req.query.get('$top');
  const top = topText === null ? DEFAULT_PAGE_SIZE : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) {
    return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${topText ?? ''}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`);
  }
  const skip = Number(req.query.get('$skiptoken') ?? '0') || 0;
  const page = users.slice(skip, skip + top);
  const body: Record<string, unknown> = { '@odata.context': select ? `${USERS_CONTEXT}(${select.join(',')})` : USERS_CONTEXT };
  if (req.query.get('$count') === 'true') body['@odata.count'] = users.length;
  if (skip + top < users.length) {
    const next = new URLSearchParams(req.query);
    next.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = `${req.baseUrl}${req.path}?${next.toString()}`;
  }
  body.value = page.map((u) => project(u, select));
  return json(200, body);
}
