// Branded identifiers: tenant, subscription and principal ids are all GUID strings and easy to mix up.
export type TenantId = string & { readonly __brand: 'TenantId' };
export type SubscriptionId = string & { readonly __brand: 'SubscriptionId' };
export type PrincipalId = string & { readonly __brand: 'PrincipalId' };
export type RequestId = string & { readonly __brand: 'RequestId' };

export const tenantId = (value: string): TenantId => value as TenantId;
export const subscriptionId = (value: string): SubscriptionId => value as SubscriptionId;
export const principalId = (value: string): PrincipalId => value as PrincipalId;
export const requestId = (value: string): RequestId => value as RequestId;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: string): boolean => GUID.test(value);

/**
 * The GUID of an ARM role definition, lower case, whether given whole
 * (/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/{guid}) or as the bare GUID ARM sometimes returns.
 */
export const roleDefinitionGuid = (id: string): string => (id.split('/').pop() ?? id).toLowerCase();
