// Microsoft Graph v1.0 GDAP: create a delegatedAdminRelationship, lock it for the customer's approval, read its status.
import { z } from 'zod';
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { CloudUnavailableError } from '../services/ports';
import type { GdapGateway, GdapRelationship, NewGdapRelationship } from '../services/relationships-ports';
import { forTenant } from './credentials';
import { graphScopeFor } from './graph-directory-gateway';
import { createRestClient, parseAnswer, type RestClient } from './rest-pipeline';

const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';

const relationshipSchema = z.object({
  id: z.string(),
  displayName: z.string().optional(),
  status: z.string(),
  customer: z.object({ tenantId: z.string().nullable().optional(), displayName: z.string().nullable().optional() }).partial().optional(),
});
const requestSchema = z.object({ id: z.string().optional(), action: z.string(), status: z.string().optional() });

export interface GraphGdapGatewayOptions {
  /** https://graph.microsoft.com, or a sandbox base URL. */
  endpoint: string;
  credential: TokenCredential;
  /** GDAP relationships are the partner's objects: tokens are for the partner tenant. */
  partnerTenantId: string;
  tlsCa?: string;
  retryOptions?: PipelineRetryOptions;
}

const toRelationship = (r: z.infer<typeof relationshipSchema>): GdapRelationship => ({
  id: r.id,
  status: r.status,
  ...(r.displayName ? { displayName: r.displayName } : {}),
});

/** Needs the application permission DelegatedAdminRelationship.ReadWrite.All in the partner tenant. */
export class GraphGdapGateway implements GdapGateway {
  private readonly client: RestClient;

  constructor(options: GraphGdapGatewayOptions) {
    this.client = createRestClient({
      service: 'Graph',
      baseUrl: options.endpoint,
      credential: forTenant(options.credential, options.partnerTenantId),
      scope: graphScopeFor(options.endpoint),
      tlsCa: options.tlsCa,
      retryOptions: options.retryOptions,
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
}
