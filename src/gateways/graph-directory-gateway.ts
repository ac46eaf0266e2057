// Microsoft Graph v1.0 through core-rest-pipeline: find users of a tenant by id, UPN, mail or name; Entra group membership.
import { z } from 'zod';
import type { TokenCredential } from '@azure/identity';
import { isGuid, principalId, type PrincipalId, type TenantId } from '../domain/ids';
import { isAccessDenied } from '../services/access-errors';
import { CloudUnavailableError, type DirectoryGateway, type DirectoryUser } from '../services/ports';
import type { CallPolicyOptions } from './call-policy';
import { createRestClient, parseAnswer, sameOriginPath, type RestClient } from './rest-pipeline';
import { forTenant, isRenewable } from './credentials';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * The token scope for a Graph endpoint: a national cloud's own (https://graph.microsoft.us, https://dod-graph.microsoft.us,
 * https://microsoftgraph.chinacloudapi.cn) for its Graph host; the public cloud's for anything else (a sandbox).
 */
export function graphScopeFor(endpoint: string): string {
  let host = '';
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return GRAPH_SCOPE;
  }
  return /^(?:graph|dod-graph|microsoftgraph)\./.test(host) ? `https://${host}/.default` : GRAPH_SCOPE;
}
const SELECT = 'id,displayName,givenName,surname,userPrincipalName,mail,userType';
const TOP = 50;
/** Graph's largest page for directory object collections. */
const MEMBERS_PAGE_SIZE = 999;
/** ~1M members; past that something is wrong (a nextLink loop) rather than a real group. */
const MAX_MEMBER_PAGES = 1000;
/** checkMemberGroups: "You can check up to a maximum of 20 groups per request." */
const CHECK_MEMBER_GROUPS_BATCH = 20;

const userSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  userPrincipalName: z.string(),
  mail: z.string().nullable().optional(),
  userType: z.string().nullable().optional(),
});
const userListSchema = z.object({ value: z.array(userSchema) });
const memberPageSchema = z.object({ value: z.array(z.object({ id: z.string() })), '@odata.nextLink': z.string().optional() });
const groupIdListSchema = z.object({ value: z.array(z.string()) });

/** With the call policy's retryOptions and requestTimeoutInMs (default: its own). */
export interface GraphDirectoryGatewayOptions extends CallPolicyOptions {
  /** https://graph.microsoft.com, or a sandbox base URL; "/v1.0/…" is appended. */
  endpoint: string;
  credential: TokenCredential;
  tlsCa?: string;
}

/** An OData string literal: single quotes doubled. */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The $filter for a free-text user lookup: exact id, exact UPN/mail, or startswith on the name properties. */
export function userFilter(text: string): string {
  if (isGuid(text)) return `id eq ${odataString(text.toLowerCase())}`;
  const literal = odataString(text);
  if (text.includes('@')) return `userPrincipalName eq ${literal} or mail eq ${literal}`;
  return ['displayName', 'givenName', 'surname', 'userPrincipalName', 'mail'].map((p) => `startswith(${p},${literal})`).join(' or ');
}

/** Graph $search term: the whole text, its double quotes and backslashes removed (they would end the phrase). */
const searchTerm = (text: string): string => `"displayName:${text.replace(/["\\]/g, ' ').trim()}"`;

function toUser(u: z.infer<typeof userSchema>): DirectoryUser {
  return {
    id: principalId(u.id),
    displayName: u.displayName ?? u.userPrincipalName,
    userPrincipalName: u.userPrincipalName,
    ...(u.givenName ? { givenName: u.givenName } : {}),
    ...(u.surname ? { surname: u.surname } : {}),
    ...(u.mail ? { mail: u.mail } : {}),
    ...(u.userType ? { userType: u.userType } : {}),
  };
}

export class GraphDirectoryGateway implements DirectoryGateway {
  private readonly clients = new Map<string, RestClient>();

  constructor(private readonly options: GraphDirectoryGatewayOptions) {}

  /** One pipeline per tenant: the bearer policy caches one token, and each tenant needs its own. */
  private pipeline(tenant: TenantId): RestClient {
    const key = tenant.toLowerCase();
    let client = this.clients.get(key);
    if (!client) {
      client = createRestClient({
        service: 'Graph',
        baseUrl: this.options.endpoint,
        credential: forTenant(this.options.credential, tenant),
        scope: graphScopeFor(this.options.endpoint),
        tlsCa: this.options.tlsCa,
        retryOptions: this.options.retryOptions,
        requestTimeoutInMs: this.options.requestTimeoutInMs,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The tenant's pipeline, each call of it renewing the tenant's token once on Graph's 403 (see renewing). */
  private client(tenant: TenantId): RestClient {
    return {
      get: (pathAndQuery, headers) => this.renewing(tenant, (rest) => rest.get(pathAndQuery, headers)),
      post: (pathAndQuery, body, headers) => this.renewing(tenant, (rest) => rest.post(pathAndQuery, body, headers)),
    };
  }

  /**
   * Graph's 403 may answer a token issued before a consent given since (Entra writes an app's permissions into a token
   * when it issues it). When the credential renews the tenant's tokens (it can in the app model, at most once a minute
   * per tenant), the tenant's pipeline, whose bearer policy holds the old token, is dropped and the call made once more
   * with a newly issued token: the check that follows a consent finds it.
   */
  private async renewing<T>(tenant: TenantId, call: (rest: RestClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.pipeline(tenant));
    } catch (error: unknown) {
      const credential = this.options.credential;
      if (!(isAccessDenied(error) && error.statusCode === 403 && isRenewable(credential) && credential.renewTokens(tenant))) throw error;
      this.clients.delete(tenant.toLowerCase());
      return call(this.pipeline(tenant));
    }
  }

  async findUsers(tenant: TenantId, text: string): Promise<DirectoryUser[]> {
    const trimmed = text.trim();
    if (trimmed.length === 0) return [];
    const client = this.client(tenant);
    const filtered = await client.get(`/v1.0/users?$filter=${encodeURIComponent(userFilter(trimmed))}&$select=${SELECT}&$top=${TOP}`);
    const users = parseAnswer('Graph', userListSchema, filtered.body, 'user list').value;
    if (users.length > 0 || isGuid(trimmed) || trimmed.includes('@')) return users.map(toUser);
    // Nothing starts with the text: try Graph's tokenized search, which also matches inner words ("Martin" in "Alice Martin").
    const searched = await client.get(
      `/v1.0/users?$search=${encodeURIComponent(searchTerm(trimmed))}&$select=${SELECT}&$top=${TOP}`,
      { ConsistencyLevel: 'eventual' },
    );
    return parseAnswer('Graph', userListSchema, searched.body, 'user search').value.map(toUser);
  }

  async getUser(tenant: TenantId, id: PrincipalId): Promise<DirectoryUser | undefined> {
    const { status, body } = await this.client(tenant).get(`/v1.0/users/${encodeURIComponent(id)}?$select=${SELECT}`);
    if (status === 404) return undefined;
    return toUser(parseAnswer('Graph', userSchema, body, 'user'));
  }

  async listGroupUserIds(tenant: TenantId, groupId: string): Promise<string[]> {
    // A malformed id can name no group; Graph would answer 400 for it, which is not a cloud failure.
    if (!isGuid(groupId)) return [];
    const client = this.client(tenant);
    const ids = new Map<string, string>();
    let path: string | undefined =
      `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=${MEMBERS_PAGE_SIZE}`;
    for (let page = 0; path !== undefined; page += 1) {
      if (page === MAX_MEMBER_PAGES) throw new CloudUnavailableError('Graph', `Group ${groupId}: more than ${MAX_MEMBER_PAGES} member pages`);
      const { status, body } = await client.get(path);
      if (status === 404) return [];
      const answer = parseAnswer('Graph', memberPageSchema, body, 'group members');
      for (const member of answer.value) ids.set(member.id.toLowerCase(), member.id);
      const next = answer['@odata.nextLink'];
      path = next === undefined ? undefined : sameOriginPath(this.options.endpoint, next);
      if (next !== undefined && path === undefined) throw new CloudUnavailableError('Graph', `Group ${groupId}: nextLink to another host: ${next}`);
    }
    return [...ids.values()];
  }

  async memberGroups(tenant: TenantId, userId: PrincipalId, groupIds: readonly string[]): Promise<string[]> {
    // The caller's spelling of each id, keyed by its lower-case form (Graph may answer with other casing).
    const asGiven = new Map<string, string>();
    for (const id of groupIds) if (isGuid(id) && !asGiven.has(id.toLowerCase())) asGiven.set(id.toLowerCase(), id);
    const wanted = [...asGiven.values()];
    const client = this.client(tenant);
    const found = new Set<string>();
    for (let start = 0; start < wanted.length; start += CHECK_MEMBER_GROUPS_BATCH) {
      const batch = wanted.slice(start, start + CHECK_MEMBER_GROUPS_BATCH);
      const { status, body } = await client.post(`/v1.0/users/${encodeURIComponent(userId)}/checkMemberGroups`, { groupIds: batch });
      if (status === 404) return [];
      for (const id of parseAnswer('Graph', groupIdListSchema, body, 'checkMemberGroups').value) found.add(id.toLowerCase());
    }
    return wanted.filter((id) => found.has(id.toLowerCase()));
  }

  async probeDirectory(tenant: TenantId): Promise<void> {
    // One user, id only: the cheapest read that needs what a user lookup needs (a directory-reading role or User.Read.All).
    const { body } = await this.client(tenant).get('/v1.0/users?$select=id&$top=1');
    parseAnswer('Graph', memberPageSchema, body, 'user list');
  }
}
