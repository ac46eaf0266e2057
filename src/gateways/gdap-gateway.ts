// Microsoft Graph v1.0 GDAP in the partner tenant: relationships (create, lock for approval, read, list by customer),
// their access assignments (list, create, read), and the partner security groups of the signed-in service account.
import { z } from 'zod';
import type { TokenCredential } from '@azure/identity';
import { isGuid } from '../domain/ids';
import { CloudUnavailableError } from '../services/ports';
import type { GdapAccessAssignment, GdapGateway, GdapRelationship, NewGdapRelationship } from '../services/relationships-ports';
import { forTenant } from './credentials';
import { graphScopeFor, odataString } from './graph-directory-gateway';
import type { CallPolicyOptions } from './call-policy';
import { createRestClient, parseAnswer, sameOriginPath, type RestClient } from './rest-pipeline';

const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';
/** Graph's largest page of relationships. */
const RELATIONSHIPS_PAGE_SIZE = 300;
/** A partner with thousands of relationships with one customer is a nextLink loop, not a real answer. */
const MAX_PAGES = 50;
/** checkMemberGroups: "You can check up to a maximum of 20 groups per request." */
const CHECK_MEMBER_GROUPS_BATCH = 20;

const rolesSchema = z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string() })).default([]) }).nullable().optional();
const relationshipSchema = z.object({
  id: z.string(),
  displayName: z.string().optional(),
  status: z.string(),
  customer: z.object({ tenantId: z.string().nullable().optional(), displayName: z.string().nullable().optional() }).partial().nullable().optional(),
  accessDetails: rolesSchema,
});
const relationshipPageSchema = z.object({ value: z.array(relationshipSchema), '@odata.nextLink': z.string().optional() });
const assignmentSchema = z.object({
  id: z.string(),
  status: z.string(),
  accessContainer: z.object({ accessContainerId: z.string(), accessContainerType: z.string().optional() }),
  accessDetails: rolesSchema,
});
const assignmentPageSchema = z.object({ value: z.array(assignmentSchema), '@odata.nextLink': z.string().optional() });
const requestSchema = z.object({ id: z.string().optional(), action: z.string(), status: z.string().optional() });
const groupIdListSchema = z.object({ value: z.array(z.string()) });
const groupSchema = z.object({ displayName: z.string().nullable().optional() });

/** With the call policy's retryOptions and requestTimeoutInMs (default: its own). */
export interface GraphGdapGatewayOptions extends CallPolicyOptions {
  /** https://graph.microsoft.com, or a sandbox base URL. */
  endpoint: string;
  credential: TokenCredential;
  /** GDAP relationships are the partner's objects: tokens are for the partner tenant. */
  partnerTenantId: string;
  tlsCa?: string;
}

const rolesOf = (details: z.infer<typeof rolesSchema>): string[] => (details?.unifiedRoles ?? []).map((r) => r.roleDefinitionId.toLowerCase());

const toRelationship = (r: z.infer<typeof relationshipSchema>): GdapRelationship => ({
  id: r.id,
  status: r.status,
  ...(r.displayName ? { displayName: r.displayName } : {}),
  ...(r.customer?.tenantId ? { customerTenantId: r.customer.tenantId } : {}),
  roleDefinitionIds: rolesOf(r.accessDetails),
});

const toAssignment = (a: z.infer<typeof assignmentSchema>): GdapAccessAssignment => ({
  id: a.id,
  status: a.status,
  groupId: a.accessContainer.accessContainerId,
  roleDefinitionIds: rolesOf(a.accessDetails),
});

/**
 * Needs DelegatedAdminRelationship.ReadWrite.All in the partner tenant: delegated (the Secure Application Model's
 * service account), or as an application permission where the partner tenant has the "Partner Customer Delegated
 * Administration" service principal (appId 2832473f-ec63-45fb-976f-5d45a7d4bb91).
 */
export class GraphGdapGateway implements GdapGateway {
  private readonly client: RestClient;
  private readonly endpoint: string;

  constructor(options: GraphGdapGatewayOptions) {
    this.endpoint = options.endpoint;
    this.client = createRestClient({
      service: 'Graph',
      baseUrl: options.endpoint,
      credential: forTenant(options.credential, options.partnerTenantId),
      scope: graphScopeFor(options.endpoint),
      tlsCa: options.tlsCa,
      retryOptions: options.retryOptions,
      requestTimeoutInMs: options.requestTimeoutInMs,
    });
  }

  async createRelationship(relationship: NewGdapRelationship): Promise<GdapRelationship> {
    const body = {
      displayName: relationship.displayName,
      duration: relationship.duration,
      customer: { tenantId: relationship.customer.tenantId, displayName: relationship.customer.displayName },
      accessDetails: { unifiedRoles: relationship.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
      ...(relationship.autoExtendDuration ? { autoExtendDuration: relationship.autoExtendDuration } : {}),
    };
    const { status, body: answer } = await this.client.post(RELATIONSHIPS, body);
    if (status === 404) throw new CloudUnavailableError('Graph', 'Creating the GDAP relationship answered 404');
    return toRelationship(parseAnswer('Graph', relationshipSchema, answer, 'delegatedAdminRelationship'));
  }

  async lockForApproval(relationshipId: string): Promise<void> {
    const { status, body } = await this.client.post(`${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}/requests`, { action: 'lockForApproval' });
    if (status === 404) throw new CloudUnavailableError('Graph', `GDAP relationship ${relationshipId} not found when locking it for approval`);
    parseAnswer('Graph', requestSchema, body, 'delegatedAdminRelationshipRequest');
  }

  async getRelationship(relationshipId: string): Promise<GdapRelationship | undefined> {
    const { status, body } = await this.client.get(`${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}`);
    if (status === 404) return undefined;
    return toRelationship(parseAnswer('Graph', relationshipSchema, body, 'delegatedAdminRelationship'));
  }

  async listRelationships(customerTenantId: string): Promise<GdapRelationship[]> {
    const filter = `customer/tenantId eq ${odataString(customerTenantId.toLowerCase())}`;
    const first = `${RELATIONSHIPS}?$filter=${encodeURIComponent(filter)}&$top=${RELATIONSHIPS_PAGE_SIZE}`;
    const pages = await this.allPages(first, relationshipPageSchema, 'delegatedAdminRelationship list');
    // Graph filters already; checked again so that a relationship of another customer is never taken for this one's.
    return pages.map(toRelationship).filter((r) => r.customerTenantId === undefined || r.customerTenantId.toLowerCase() === customerTenantId.toLowerCase());
  }

  async listAccessAssignments(relationshipId: string): Promise<GdapAccessAssignment[]> {
    const items = await this.allPages(`${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}/accessAssignments`, assignmentPageSchema, 'delegatedAdminAccessAssignment list');
    return items.map(toAssignment);
  }

  async createAccessAssignment(relationshipId: string, groupId: string, roleDefinitionIds: readonly string[]): Promise<GdapAccessAssignment> {
    const body = {
      accessContainer: { accessContainerId: groupId, accessContainerType: 'securityGroup' },
      accessDetails: { unifiedRoles: roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
    };
    const { status, body: answer } = await this.client.post(`${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}/accessAssignments`, body);
    if (status === 404) throw new CloudUnavailableError('Graph', `GDAP relationship ${relationshipId} not found when creating its access assignment`, { statusCode: 404 });
    return toAssignment(parseAnswer('Graph', assignmentSchema, answer, 'delegatedAdminAccessAssignment'));
  }

  async getAccessAssignment(relationshipId: string, assignmentId: string): Promise<GdapAccessAssignment | undefined> {
    const { status, body } = await this.client.get(`${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}/accessAssignments/${encodeURIComponent(assignmentId)}`);
    if (status === 404) return undefined;
    return toAssignment(parseAnswer('Graph', assignmentSchema, body, 'delegatedAdminAccessAssignment'));
  }

  async accountGroups(groupIds: readonly string[]): Promise<string[] | undefined> {
    const wanted = [...new Set(groupIds.filter(isGuid).map((id) => id.toLowerCase()))];
    const found = new Set<string>();
    for (let start = 0; start < wanted.length; start += CHECK_MEMBER_GROUPS_BATCH) {
      let answer;
      try {
        answer = await this.client.post('/v1.0/me/checkMemberGroups', { groupIds: wanted.slice(start, start + CHECK_MEMBER_GROUPS_BATCH) });
      } catch (error) {
        // An app-only token has no "me" (Graph answers 400): there is no signed-in account to ask about.
        if (error instanceof CloudUnavailableError && error.statusCode === 400) return undefined;
        throw error;
      }
      if (answer.status === 404) return undefined;
      for (const id of parseAnswer('Graph', groupIdListSchema, answer.body, 'checkMemberGroups').value) found.add(id.toLowerCase());
    }
    return wanted.filter((id) => found.has(id));
  }

  async groupName(groupId: string): Promise<string | undefined> {
    if (!isGuid(groupId)) return undefined;
    try {
      const { status, body } = await this.client.get(`/v1.0/groups/${encodeURIComponent(groupId)}?$select=displayName`);
      if (status === 404) return undefined;
      return groupSchema.safeParse(body).data?.displayName ?? undefined;
    } catch {
      // Only a nicer name for an answer: the group id says the same thing.
      return undefined;
    }
  }

  /** Every item of a Graph collection, following @odata.nextLink on the same host only. */
  private async allPages<S extends typeof relationshipPageSchema | typeof assignmentPageSchema>(first: string, schema: S, what: string): Promise<z.infer<S>['value']> {
    const items: z.infer<S>['value'] = [];
    let path: string | undefined = first;
    for (let page = 0; path !== undefined; page += 1) {
      if (page === MAX_PAGES) throw new CloudUnavailableError('Graph', `${what}: more than ${MAX_PAGES} pages`);
      const { status, body } = await this.client.get(path);
      if (status === 404) return items;
      const answer = parseAnswer('Graph', schema, body, what);
      items.push(...answer.value);
      const next = answer['@odata.nextLink'];
      path = next === undefined ? undefined : sameOriginPath(this.endpoint, next);
      if (next !== undefined && path === undefined) throw new CloudUnavailableError('Graph', `${what}: nextLink to another host: ${next}`);
    }
    return items;
  }
}
