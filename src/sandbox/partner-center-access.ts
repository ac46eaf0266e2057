// Partner Center's authorisation of a call from its token: the partner's tenant and app, App+User-only routes, MFA, Admin Agents.
import { errorFor, type SandboxRequest, type SandboxResponse } from './http-kit';
import { callerOf, isAdminAgent, sameId, type Caller } from './authorization';
import type { SandboxState } from './state';

export const pcError = (status: number, code: string, message: string): SandboxResponse => errorFor('PartnerCenter', status, code, message);

/**
 * The caller when Partner Center lets it in, else its refusal. In order: a token issued by the partner's tenant (401,
 * "Access denied", code 400 in Partner Center's error table) for one of the partner's own apps; an App+User-only route
 * refuses app credentials (403, the text Partner Center answers: "This resource can't be accessed by application
 * credentials."); an App+User token needs MFA in `amr` (401 900421, enforced on every App+User API since 2026, CSP
 * notes §1.2) and a user in the partner's Admin Agents, nested groups included (403).
 */
export function authorizePartnerCenter(state: SandboxState, req: SandboxRequest, appUserOnly: boolean): Caller | SandboxResponse {
  const caller = callerOf(req.token);
  if (!caller) return pcError(401, '400', 'Access denied: the access token is not a Microsoft Entra token for Partner Center.');
  if (!sameId(caller.tenantId, state.partner.tenantId)) {
    return pcError(401, '400', `Access denied: the access token was issued by tenant ${caller.tenantId}, which is not this partner's tenant.`);
  }
  const app = state.entra.apps.find((a) => sameId(a.appId, caller.appId) && sameId(a.tenantId, state.partner.tenantId));
  if (!app) return pcError(401, '400', `Access denied: application ${caller.appId} is not registered by the partner.`);
  if (caller.kind === 'app') {
    return appUserOnly ? pcError(403, '2032', "This resource can't be accessed by application credentials.") : caller;
  }
  if (!caller.mfa) {
    return pcError(401, '900421', 'Multifactor authentication is required: the access token has no MFA claim (amr). Sign in again with MFA.');
  }
  if (!isAdminAgent(state, caller.objectId)) {
    return pcError(403, '2032', 'The supplied role does not have the rights to perform the requested operation.');
  }
  return caller;
}
