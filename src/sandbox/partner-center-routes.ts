// Partner Center REST v1 subset: customers (list, filter, get), subscriptions, azureEntitlements, relationship requests,
// application consents; each call authorised from its token (partner-center-access.ts).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { headerValue, json, type SandboxRequest, type SandboxResponse } from './http-kit';
import type { SandboxState } from './state';
import type { SeedCustomer } from './seed';
import { sandboxRelationshipUrl } from './relationship-page';
import { authorizePartnerCenter, pcError } from './partner-center-access';
import { createApplicationConsent, deleteApplicationConsent } from './partner-center-consents';

const link = (uri: string) => ({ uri, method: 'GET', headers: [] as { key: string; value: string }[] });

/** A stable fake GUID derived from text (commerce ids, billing profile ids). */
function derivedGuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function companyProfile(c: SeedCustomer) {
  return {
    tenantId: c.id,
    domain: c.domain,
    companyName: c.companyName,
    links: { self: link(`/customers/${c.id}/profiles/company`) },
    attributes: { objectType: 'CustomerCompanyProfile' },
  };
}

/** A customer as the list and filter responses show it: no allowDelegatedAccess. */
function listItem(c: SeedCustomer) {
  return {
    id: c.id,
    companyProfile: companyProfile(c),
    relationshipToPartner: c.relationshipToPartner,
    links: { self: link(`/customers/${c.id}`) },
    attributes: { objectType: 'Customer' },
  };
}

function fullCustomer(c: SeedCustomer) {
  const address = { country: 'US', region: 'WA', city: 'Redmond', addressLine1: '1 Microsoft Way', postalCode: '98052', phoneNumber: '4255550100' };
  return {
    id: c.id,
    commerceId: derivedGuid(`commerce:${c.id}`),
    companyProfile: { ...companyProfile(c), address, email: `admin@${c.domain}` },
    billingProfile: {
      id: derivedGuid(`billing:${c.id}`),
      firstName: 'Billing',
      lastName: 'Admin',
      email: `billing@${c.domain}`,
      culture: 'en-US',
      language: 'en',
      companyName: c.companyName,
      defaultAddress: { country: 'US', city: 'Redmond', state: 'WA', addressLine1: '1 Microsoft Way', postalCode: '98052', firstName: 'Billing', lastName: 'Admin', phoneNumber: '4255550100' },
      links: { self: link(`/customers/${c.id}/profiles/billing`) },
      attributes: { etag: '-1', objectType: 'CustomerBillingProfile' },
    },
    relationshipToPartner: c.relationshipToPartner,
    allowDelegatedAccess: c.allowDelegatedAccess,
    customDomains: [c.domain],
    links: { self: link(`/customers/${c.id}`) },
    attributes: { objectType: 'Customer' },
  };
}

function subscription(c: SeedCustomer, s: { id: string; offerId: string; offerName: string; friendlyName: string; productType: string; unitType: string; billingType: string; billingCycle: string; termDuration: string }) {
  const [product = '', sku = '', availability = ''] = s.offerId.split(':');
  return {
    id: s.id,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    productType: { id: s.productType, displayName: s.productType },
    quantity: 1,
    unitType: s.unitType,
    hasPurchasableAddons: false,
    creationDate: '2024-06-01T10:00:00.0000000Z',
    effectiveStartDate: '2024-06-01T00:00:00Z',
    commitmentEndDate: '9999-12-14T00:00:00Z',
    cancellationAllowedUntilDate: '2024-06-08T23:59:00Z',
    status: 'active',
    autoRenewEnabled: true,
    isTrial: false,
    billingType: s.billingType,
    billingCycle: s.billingCycle,
    termDuration: s.termDuration,
    renewalTermDuration: '',
    isMicrosoftProduct: true,
    partnerId: '',
    attentionNeeded: false,
    actionTaken: false,
    contractType: 'subscription',
    links: {
      product: link(`/products/${product}?country=US`),
      sku: link(`/products/${product}/skus/${sku}?country=US`),
      availability: link(`/products/${product}/skus/${sku}/availabilities/${availability}?country=US`),
      self: link(`/customers/${c.id}/subscriptions/${s.id}`),
    },
    publisherName: 'Microsoft',
    orderId: derivedGuid(`order:${s.id}`).replace(/-/g, '').slice(0, 11),
    attributes: { objectType: 'Subscription' },
  };
}

function subscriptionsOf(c: SeedCustomer) {
  return [
    subscription(c, { id: c.azurePlan.id, offerId: 'DZH318Z0BCZC:0001:DZH318Z0BCZC', offerName: 'Azure plan', friendlyName: c.azurePlan.friendlyName, productType: 'Azure', unitType: 'Usage-based', billingType: 'usage', billingCycle: 'monthly', termDuration: '' }),
    ...c.otherSubscriptions.map((o) => subscription(c, { id: o.id, offerId: o.offerId, offerName: o.offerName, friendlyName: o.offerName, productType: o.productType, unitType: 'Licenses', billingType: 'license', billingCycle: 'monthly', termDuration: 'P1M' })),
  ];
}

const collection = (items: unknown[], selfUri: string, extra: Record<string, unknown> = {}) => ({
  totalCount: items.length,
  items,
  links: { self: link(selfUri) },
  attributes: { objectType: 'Collection' },
  ...extra,
});

const filterSchema = z.object({ Field: z.enum(['CompanyName', 'Domain']), Value: z.string(), Operator: z.literal('starts_with') });

function listCustomers(state: SandboxState, req: SandboxRequest): SandboxResponse {
  const sizeText = req.query.get('size');
  const size = sizeText === null ? 100 : Number(sizeText);
  if (!Number.isInteger(size) || size < 0 || size > 500) return pcError(400, '2000', `Invalid size: ${sizeText ?? ''}`);
  const filterText = req.query.get('filter');
  if (filterText !== null) {
    let parsed: z.SafeParseReturnType<unknown, z.infer<typeof filterSchema>>;
    try {
      parsed = filterSchema.safeParse(JSON.parse(filterText));
    } catch {
      return pcError(400, '2000', 'The filter is not valid JSON.');
    }
    if (!parsed.success) return pcError(400, '2000', 'Invalid filter: Field must be CompanyName or Domain and Operator starts_with.');
    const { Field, Value } = parsed.data;
    const prefix = Value.toLowerCase();
    const matches = state.customers.filter((c) => (Field === 'CompanyName' ? c.companyName : c.domain).toLowerCase().startsWith(prefix));
    const items = size === 0 ? matches : matches.slice(0, size);
    return json(200, collection(items.map(listItem), `/customers?size=${size}&filter=${encodeURIComponent(filterText)}`));
  }
  // Seek-based paging: the next page is the same URI with seekOperation=Next and the MS-ContinuationToken header.
  let offset = 0;
  if (req.query.get('seekOperation')?.toLowerCase() === 'next') {
    const token = headerValue(req.headers, 'ms-continuationtoken') ?? '';
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!decoded?.[1]) return pcError(400, '2000', 'The continuation token is missing or invalid.');
    offset = Number(decoded[1]);
  }
  const pageSize = size === 0 ? state.customers.length : size;
  const page = state.customers.slice(offset, offset + pageSize);
  const nextOffset = offset + page.length;
  if (nextOffset >= state.customers.length) return json(200, collection(page.map(listItem), `/customers?size=${size}`));
  const continuationToken = Buffer.from(`offset:${nextOffset}`).toString('base64');
  const next = { uri: `/customers?size=${size}&seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: continuationToken }] };
  const body = collection(page.map(listItem), `/customers?size=${size}`, { continuationToken });
  return json(200, { ...body, links: { ...body.links, next } });
}

/** Handles /v1/… paths; undefined when no route matches. */
export function partnerCenterRoute(state: SandboxState, req: SandboxRequest): SandboxResponse | undefined {
  const [, customers, id, sub, subId, leaf, ...rest] = req.segments.map((s) => decodeURIComponent(s));
  if (customers?.toLowerCase() !== 'customers' || rest.length > 0) return undefined;
  // App+User only (each doc's Prerequisites, CSP notes §3.1): the relationship request link and application consents.
  const isRelationshipRequest = id?.toLowerCase() === 'relationshiprequests' && sub === undefined;
  const isConsent = sub?.toLowerCase() === 'applicationconsents' && leaf === undefined;
  const caller = authorizePartnerCenter(state, req, isRelationshipRequest || isConsent);
  if ('status' in caller) return caller;
  if (isConsent && id !== undefined) {
    const customer = state.customer(id);
    if (!customer) return pcError(404, '3000', `Customer ${id} was not found.`);
    if (caller.kind !== 'user') return undefined;
    if (req.method === 'POST' && subId === undefined) return createApplicationConsent(state, req, caller, customer);
    if (req.method === 'DELETE' && subId !== undefined) return deleteApplicationConsent(state, caller, customer, subId);
    return undefined;
  }
  if (req.method !== 'GET') return undefined;
  if (id === undefined) return listCustomers(state, req);
  if (isRelationshipRequest) {
    // Partner Center's real link opens the customer's admin center; the sandbox's opens its own accept page.
    const url = sandboxRelationshipUrl(req.baseUrl, state.partner.partnerId);
    return json(200, { url, attributes: { objectType: 'RelationshipRequest' } });
  }
  const customer = state.customer(id);
  if (!customer) return pcError(404, '3000', `Customer ${id} was not found.`);
  // allowDelegatedAccess is legacy DAP, shown as Partner Center shows it (get-by-id only); it authorises nothing here.
  if (sub === undefined) return json(200, fullCustomer(customer));
  if (sub.toLowerCase() !== 'subscriptions') return undefined;
  const subscriptions = subscriptionsOf(customer);
  if (subId === undefined) return json(200, collection(subscriptions, `/customers/${customer.id}/subscriptions`));
  const found = subscriptions.find((s) => s.id.toLowerCase() === subId.toLowerCase());
  if (!found) return pcError(404, '20003', `Subscription with Id ${subId} not found.`);
  if (leaf === undefined) return json(200, found);
  if (leaf.toLowerCase() !== 'azureentitlements') return undefined;
  // AzureEntitlement: id = the Azure subscription id, subscriptionId = the Partner Center (Azure plan) subscription id.
  const entitlements = found.id === customer.azurePlan.id
    ? customer.azureSubscriptions.map((s) => ({ id: s.subscriptionId, friendlyName: s.displayName, status: s.state === 'Enabled' ? 'active' : 'disabled', subscriptionId: found.id }))
    : [];
  return json(200, { totalCount: entitlements.length, items: entitlements, attributes: { objectType: 'Collection' } });
}
