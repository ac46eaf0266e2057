// Microsoft Graph v1.0 users through core-rest-pipeline: find users of a customer tenant by id, UPN, mail or name.
import { z } from 'zod';
import type { TokenCredential } from '@azure/identity';
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { isGuid, principalId, type PrincipalId, type TenantId } from '../domain/ids';
import type { DirectoryGateway, DirectoryUser } from '../services/ports';
import { createRestClient, parseAnswer, type RestClient } from './rest-pipeline';
import { forTenant } from './credentials';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const SELECT = 'id,displayName,givenName,surname,userPrincipalName,mail,userType';
const TOP = 50;

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

export interface GraphDirectoryGatewayOptions {
  /** https://graph.microsoft.com, or a sandbox base URL; "/v1.0/…" is appended. */
  endpoint: string;
  credential: TokenCredential;
  tlsCa?: string;
  retryOptions?: PipelineRetryOptions;
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
  private client(tenant: TenantId): RestClient {
    const key = tenant.toLowerCase();
    let client = this.clients.get(key);
    if (!client) {
      client = createRestClient({
        service: 'Graph',
        baseUrl: this.options.endpoint,
        credential: forTenant(this.options.credential, tenant),
        scope: GRAPH_SCOPE,
        tlsCa: this.options.tlsCa,
        retryOptions: this.options.retryOptions,
      });
      this.clients.set(key, client);
    }
    return client;
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
}
