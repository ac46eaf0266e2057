// Partner Center application consents (POST/DELETE /v1/customers/{id}/applicationconsents): a partner consents its
// multi-tenant app in a customer tenant with delegated scopes, through its GDAP roles there (CSP notes §3.2).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { json, type SandboxRequest, type SandboxResponse } from './http-kit';
import { ENTRA_ROLES, sameId, type UserCaller } from './authorization';
import { pcError } from './partner-center-access';
import type { SeedCustomer } from './seed';
import type { SandboxState } from './state';

const consentSchema = z.object({
  applicationId: z.string().uuid(),
  applicationGrants: z.array(z.object({ enterpriseApplicationId: z.string().uuid(), scope: z.string().min(1) })).min(1),
});

/** "Global Administrator, Application Administrator or Cloud Application Administrator" in the customer, through GDAP (or DAP). */
const CONSENTING_ROLES = [ENTRA_ROLES.globalAdministrator, ENTRA_ROLES.applicationAdministrator, ENTRA_ROLES.cloudApplicationAdministrator];

/** Microsoft's first-party resource apps, whose service principals every tenant has (Graph, Azure AD Graph, ARM, Partner Center). */
const FIRST_PARTY = ['00000003-0000-0000-c000-000000000000', '00000002-0000-0000-c000-000000000000', '797f4846-ba00-4fd7-ba43-dac1f8f63013', 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'];

function mayConsent(state: SandboxState, caller: UserCaller, customer: SeedCustomer): boolean {
  const roles = state.partnerRolesIn(caller.objectId, customer.id);
  return CONSENTING_ROLES.some((r) => roles.has(r));
}

const roleRefusal = (customer: SeedCustomer): SandboxResponse =>
  pcError(403, '2032', `Access denied: the signed-in user needs Global Administrator, Application Administrator or Cloud Application Administrator in customer ${customer.id} through a GDAP relationship.`);

/** POST …/applicationconsents: creates the app's service principal in the customer with the delegated scopes asked. */
export function createApplicationConsent(state: SandboxState, req: SandboxRequest, caller: UserCaller, customer: SeedCustomer): SandboxResponse {
  const parsed = consentSchema.safeParse(req.body);
  if (!parsed.success) return pcError(400, '2000', `Invalid application consent: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.`);
  const { applicationId, applicationGrants } = parsed.data;
  // "The token … appid must equal applicationId": a partner consents the app it signs in with, no other.
  if (!sameId(caller.appId, applicationId)) {
    return pcError(403, '2032', `Access denied: the access token's application ${caller.appId} is not the application ${applicationId} to consent.`);
  }
  if (!mayConsent(state, caller, customer)) return roleRefusal(customer);
  const missing = applicationGrants.find((g) => !FIRST_PARTY.includes(g.enterpriseApplicationId.toLowerCase()) && !state.servicePrincipal(g.enterpriseApplicationId, customer.id));
  if (missing) {
    return pcError(400, '2000', `The customer tenant ${customer.id} lacks a service principal for application ${missing.enterpriseApplicationId}; create it before consenting.`);
  }
  // [obs] CIPP treats "Permission entry already exists" as success: the text is observed, the code is not.
  if (state.servicePrincipal(applicationId, customer.id)) return pcError(409, '2000', 'Permission entry already exists.');
  const delegatedScopes = [...new Set(applicationGrants.flatMap((g) => g.scope.split(',').map((s) => s.trim()).filter((s) => s !== '')))];
  // Delegated scopes only: "explicit multitenant application-only consent isn't supported" under GDAP.
  state.entra.servicePrincipals.push({ appId: applicationId, tenantId: customer.id, objectId: randomUUID(), delegatedScopes, appRoles: [] });
  return json(201, { applicationId, applicationGrants, attributes: { objectType: 'ApplicationConsent' } });
}

/** DELETE …/applicationconsents/{applicationId}: removes the app's service principal from the customer. */
export function deleteApplicationConsent(state: SandboxState, caller: UserCaller, customer: SeedCustomer, applicationId: string): SandboxResponse {
  if (!mayConsent(state, caller, customer)) return roleRefusal(customer);
  const sp = state.servicePrincipal(applicationId, customer.id);
  if (!sp) return pcError(404, '1000', `No consent of application ${applicationId} was found in customer ${customer.id}.`);
  state.entra.servicePrincipals.splice(state.entra.servicePrincipals.indexOf(sp), 1);
  return { status: 204 };
}
