// Partner Center REST v1 through core-rest-pipeline: customers, Azure plan entitlements, relationship request URL.
import { z } from 'zod';
import type { TokenCredential } from '@azure/identity';
import { subscriptionId, tenantId, type TenantId } from '../domain/ids';
import { CloudUnavailableError, type ApplicationConsent, type AzureSubscription, type Customer, type PartnerCenterGateway } from '../services/ports';
import type { CallPolicyOptions } from './call-policy';
import { createRestClient, parseAnswer, type RestClient } from './rest-pipeline';
import { forTenant } from './credentials';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
/** Partner Center's product id of the Azure plan (offerId "DZH318Z0BCZC:0001:…"). */
const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BCZC';
const PAGE_SIZE = 100;
const MAX_PAGES = 200;

const customerSchema = z.object({
  id: z.string(),
  companyProfile: z.object({ tenantId: z.string(), domain: z.string(), companyName: z.string() }),
  relationshipToPartner: z.string().default('none'),
  allowDelegatedAccess: z.boolean().optional(),
});
const headerSchema = z.object({ key: z.string(), value: z.string() });
const linkSchema = z.object({ uri: z.string(), method: z.string().optional(), headers: z.array(headerSchema).default([]) });
const customerCollectionSchema = z.object({
  items: z.array(customerSchema),
  continuationToken: z.string().optional(),
  links: z.object({ next: linkSchema.optional() }).partial().optional(),
});
const subscriptionCollectionSchema = z.object({
  items: z.array(z.object({
    id: z.string(),
    offerId: z.string().optional(),
    productType: z.object({ id: z.string() }).optional(),
    status: z.string().optional(),
  })),
});
const entitlementCollectionSchema = z.object({
  items: z.array(z.object({ id: z.string(), friendlyName: z.string().nullable().optional(), status: z.string().default('unknown') })),
});
const relationshipRequestSchema = z.object({ url: z.string().url() });

/** With the call policy's retryOptions and requestTimeoutInMs (default: its own). */
export interface PartnerCenterRestGatewayOptions extends CallPolicyOptions {
  /** https://api.partnercenter.microsoft.com, or a sandbox base URL; "/v1/…" is appended. */
  endpoint: string;
  credential: TokenCredential;
  partnerTenantId: string;
  tlsCa?: string;
}

function toCustomer(c: z.infer<typeof customerSchema>): Customer {
  return {
    id: tenantId(c.id),
    tenantId: tenantId(c.companyProfile.tenantId),
    companyName: c.companyProfile.companyName,
    domain: c.companyProfile.domain,
    relationshipToPartner: c.relationshipToPartner,
    ...(c.allowDelegatedAccess === undefined ? {} : { allowDelegatedAccess: c.allowDelegatedAccess }),
  };
}

/** Partner Center's links are relative to the API version root ("/customers?…") or, at times, carry "/v1". */
function versioned(uri: string): string {
  const path = uri.startsWith('/') ? uri : `/${uri}`;
  return /^\/v1\//i.test(path) ? path : `/v1${path}`;
}

export class PartnerCenterRestGateway implements PartnerCenterGateway {
  private readonly client: RestClient;

  constructor(options: PartnerCenterRestGatewayOptions) {
    this.client = createRestClient({
      service: 'PartnerCenter',
      baseUrl: options.endpoint,
      credential: forTenant(options.credential, options.partnerTenantId),
      scope: PARTNER_CENTER_SCOPE,
      tlsCa: options.tlsCa,
      retryOptions: options.retryOptions,
      requestTimeoutInMs: options.requestTimeoutInMs,
    });
  }

  async listCustomers(): Promise<Customer[]> {
    const customers: Customer[] = [];
    let next: { path: string; headers: Record<string, string> } | undefined = { path: `/v1/customers?size=${PAGE_SIZE}`, headers: {} };
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const { body } = await this.client.get(next.path, next.headers);
      const collection = parseAnswer('PartnerCenter', customerCollectionSchema, body, 'customer list');
      customers.push(...collection.items.map(toCustomer));
      const link = collection.links?.next;
      next = link ? { path: versioned(link.uri), headers: Object.fromEntries(link.headers.map((h) => [h.key, h.value])) } : undefined;
    }
    return customers;
  }

  async searchCustomersByName(prefix: string): Promise<Customer[]> {
    const filter = JSON.stringify({ Field: 'CompanyName', Value: prefix, Operator: 'starts_with' });
    const { body } = await this.client.get(`/v1/customers?size=0&filter=${encodeURIComponent(filter)}`);
    return parseAnswer('PartnerCenter', customerCollectionSchema, body, 'customer search').items.map(toCustomer);
  }

  async getCustomer(id: TenantId): Promise<Customer | undefined> {
    const { status, body } = await this.client.get(`/v1/customers/${encodeURIComponent(id)}`);
    if (status === 404) return undefined;
    return toCustomer(parseAnswer('PartnerCenter', customerSchema, body, 'customer'));
  }

  async listAzureSubscriptions(customerId: TenantId): Promise<AzureSubscription[]> {
    const customerPath = `/v1/customers/${encodeURIComponent(customerId)}`;
    const { status, body } = await this.client.get(`${customerPath}/subscriptions`);
    if (status === 404) return [];
    const plans = parseAnswer('PartnerCenter', subscriptionCollectionSchema, body, 'subscription list').items.filter(
      (s) => s.productType?.id.toLowerCase() === 'azure' || s.offerId?.toUpperCase().startsWith(`${AZURE_PLAN_PRODUCT_ID}:`),
    );
    const result: AzureSubscription[] = [];
    for (const plan of plans) {
      const answer = await this.client.get(`${customerPath}/subscriptions/${encodeURIComponent(plan.id)}/azureEntitlements`);
      if (answer.status === 404) continue;
      // AzureEntitlement.id is the Azure subscription id; its subscriptionId is the Partner Center (Azure plan) id.
      for (const e of parseAnswer('PartnerCenter', entitlementCollectionSchema, answer.body, 'azureEntitlements').items) {
        result.push({ subscriptionId: subscriptionId(e.id), displayName: e.friendlyName ?? e.id, status: e.status });
      }
    }
    return result;
  }

  async getRelationshipRequestUrl(): Promise<string> {
    const { body } = await this.client.get('/v1/customers/relationshiprequests');
    return parseAnswer('PartnerCenter', relationshipRequestSchema, body, 'relationship request').url;
  }

  async consentApplication(customerId: TenantId, consent: ApplicationConsent): Promise<void> {
    const body = {
      applicationId: consent.applicationId,
      applicationGrants: consent.grants.map((g) => ({ enterpriseApplicationId: g.enterpriseApplicationId, scope: g.scopes.join(',') })),
    };
    try {
      const { status } = await this.client.post(`/v1/customers/${encodeURIComponent(customerId)}/applicationconsents`, body);
      if (status === 404) throw new CloudUnavailableError('PartnerCenter', `Customer ${customerId} not found when consenting the application`, { statusCode: 404 });
    } catch (error) {
      // "Permission entry already exists" (409): the app is consented there already, which is what was asked.
      if (error instanceof CloudUnavailableError && error.statusCode === 409) return;
      throw error;
    }
  }
}
