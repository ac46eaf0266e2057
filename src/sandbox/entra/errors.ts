// Entra's token-endpoint errors: the exact body shape (AADSTS text, trace and correlation ids, timestamp) and the codes.
import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../http-kit';

/** `2021-01-31 05:56:19Z`, as Entra writes its error timestamps. */
const entraTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export interface EntraErrorOptions {
  /** The request's correlation id (`client-request-id`), echoed as Entra does; new when absent. */
  readonly correlationId?: string;
  readonly now: number;
  /** interaction_required's subclass (e.g. "basic_action"). */
  readonly suberror?: string;
}

/** One Entra error: OAuth `error`, the AADSTS number, its sentence. invalid_client is a 401, everything else a 400. */
export interface EntraError {
  readonly error: string;
  readonly code: number;
  readonly description: string;
}

export function entraErrorResponse(problem: EntraError, options: EntraErrorOptions): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = options.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(options.now);
  const status = problem.error === 'invalid_client' ? 401 : 400;
  return {
    status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': traceId, 'client-request-id': correlationId },
    body: {
      error: problem.error,
      error_description: `AADSTS${problem.code}: ${problem.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [problem.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${problem.code}`,
      ...(options.suberror ? { suberror: options.suberror } : {}),
    },
  };
}

const e = (error: string, code: number, description: string): EntraError => ({ error, code, description });

/** The AADSTS errors the sandbox answers, worded as Entra words them (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
export const AADSTS = {
  tenantNotFound: (tenant: string, error = 'invalid_request') => e(error, 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  missingParameter: (name: string) => e('invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string) => e('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  appNotFound: (appId: string, tenant: string) => e('unauthorized_client', 700016, `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  badSecret: (appId: string) => e('invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`),
  noCredential: () => e('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  assertionInvalid: (why: string) => e('invalid_client', 700027, `Client assertion failed signature validation. ${why}`),
  assertionCertificateUnknown: (thumbprint: string, appId: string) => e('invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`),
  assertionExpired: () => e('invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  assertionAudience: (audience: string) => e('invalid_client', 700021, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Audience: '${audience}'.`),
  assertionSubject: () => e('invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."),
  invalidScope: (scope: string) => e('invalid_scope', 70011, `The provided value for the input parameter 'scope' isn't valid. The scope ${scope} isn't valid.`),
  clientCredentialsScope: (scope: string) => e('invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  resourceNotFound: (resource: string, tenant: string) => e('invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
  notConsented: (appId: string, appName: string) => e('invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${appId}' named '${appName}'. Send an interactive authorization request for this user and resource.`),
  userNotInTenant: (upn: string, homeTenantId: string, tenant: string, appId: string, appName: string) => e('invalid_grant', 50020, `User account '${upn}' from identity provider 'https://sts.windows.net/${homeTenantId}/' does not exist in tenant '${tenant}' and cannot access the application '${appId}'(${appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`),
  mfaRequired: (resourceAppId: string) => e('interaction_required', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceAppId}'.`),
  revoked: (issuedAt: string, validFrom: string) => e('invalid_grant', 50173, `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedAt}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`),
  refreshTokenIdle: (issuedAt: string, inactiveDays: number) => e('invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${issuedAt} and was inactive for ${inactiveDays}.00:00:00.`),
  malformedGrant: () => e('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  grantOfAnotherClient: () => e('invalid_grant', 70000, 'Provided grant is invalid or malformed.'),
  authorizationPending: () => e('authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.'),
  deviceCodeExpired: () => e('expired_token', 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."),
  deviceCodeUnknown: () => e('invalid_grant', 70000, "The provided value for the input parameter 'device_code' is not valid."),
  redirectUriMismatch: (uri: string, appId: string) => e('invalid_request', 50011, `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`),
  noReplyAddress: () => e('invalid_request', 500113, 'No reply address is registered for the application.'),
  adminConsentRequired: () => e('invalid_grant', 90094, 'The grant requires admin permission.'),
  publicClientOnly: () => e('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
} as const;

/** Entra's 7-digit-fraction UTC time ('2021-01-05T05:09:31.5970000Z') used inside AADSTS sentences. */
export const entraTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

/** Client credentials (and app-level calls) at `common`/`organizations`: Entra cannot tell which tenant is meant. */
export const noTenantInformation = (): EntraError =>
  ({ error: 'invalid_request', code: 50059, description: 'No tenant-identifying information found in either the request or implied by any provided credentials.' });
