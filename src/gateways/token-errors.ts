// Turns Entra's and the services' refusals (AADSTS codes, 401/403) into AccessDeniedError, so that no refusal reads as an outage.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { AccessDeniedError, isAccessDenied, reasonOfAadsts, type AccessDeniedReason, type AccessDeniedService } from '../services/access-errors';

/**
 * Refusals that condemn the refresh token itself, in every tenant (revoked, expired, idle 90 days, unknown, already
 * used up): only a new sign-in helps. MFA or Conditional Access demands (50076, 50079, 50078) can be one tenant's policy,
 * so they refuse that tenant without condemning the token everywhere.
 */
const DEAD_REFRESH_TOKEN_CODES = new Set([50173, 700082, 9002313, 70008, 70000, 54005, 700084, 50089, 50132, 50133]);

export function isDeadRefreshToken(code: number | undefined): boolean {
  return code !== undefined && DEAD_REFRESH_TOKEN_CODES.has(code);
}

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null;

function firstNumber(value: unknown): number | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  const n = typeof first === 'string' ? Number(first) : first;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Entra's AADSTS number in an error from MSAL (`errorNo`, from the body's `error_codes`), from @azure/identity
 * (`errorResponse`), or in any message ("AADSTS50173: …"), following `cause` a few levels down.
 */
export function aadstsOf(error: unknown, depth = 0): number | undefined {
  if (!isBag(error) || depth > 4) return undefined;
  const direct = firstNumber(error.errorNo) ?? firstNumber(error.error_codes) ?? firstNumber(error.errorCodes);
  if (direct !== undefined) return direct;
  const response = error.errorResponse;
  if (isBag(response)) {
    const fromResponse = firstNumber(response.error_codes) ?? firstNumber(response.errorCodes);
    if (fromResponse !== undefined) return fromResponse;
  }
  for (const text of [error.errorMessage, error.message, isBag(response) ? response.errorDescription : undefined, isBag(response) ? response.error_description : undefined]) {
    const match = typeof text === 'string' ? /AADSTS(\d{4,})/.exec(text) : null;
    if (match?.[1]) return Number(match[1]);
  }
  return aadstsOf(error.cause, depth + 1);
}

/** Entra's OAuth `error` value (invalid_grant, invalid_client…), when the error carries one. */
function oauthErrorOf(error: unknown): string | undefined {
  if (!isBag(error)) return undefined;
  if (typeof error.errorCode === 'string' && error.errorCode !== '') return error.errorCode;
  const response = error.errorResponse;
  if (isBag(response) && typeof response.error === 'string') return response.error;
  return undefined;
}

/** The first line of Entra's description ("AADSTS50173: The provided grant has expired …"), without trace ids. */
function entraSentence(error: unknown): string {
  const text = isBag(error) && typeof error.errorMessage === 'string' && error.errorMessage !== '' ? error.errorMessage : error instanceof Error ? error.message : String(error);
  // MSAL prefixes "Error(s): 50173 - Timestamp: … - Description: ": people read from the AADSTS code on.
  const from = text.indexOf('AADSTS');
  return ((from >= 0 ? text.slice(from) : text).split(/\r?\n/)[0] ?? text).trim();
}

/**
 * The AccessDeniedError an Entra refusal stands for, or undefined when the error is not a refusal (network failure,
 * throttling, Entra's 5xx): those stay outages for the caller to retry.
 */
export function entraRefusal(error: unknown, tenantId: string | undefined): AccessDeniedError | undefined {
  if (isAccessDenied(error)) return error;
  const aadsts = aadstsOf(error);
  const oauthError = oauthErrorOf(error);
  let reason: AccessDeniedReason | undefined = aadsts === undefined ? undefined : reasonOfAadsts(aadsts);
  // Without a known code, Entra's OAuth error still says whose move it is.
  if (reason === undefined && aadsts === undefined) {
    if (oauthError === 'invalid_grant' || oauthError === 'interaction_required') reason = 'sign_in_required';
    else if (oauthError === 'invalid_client') reason = 'app_credential_invalid';
    else if (oauthError === 'unauthorized_client') reason = 'app_not_consented';
  }
  if (reason === undefined) return undefined;
  return new AccessDeniedError('Entra', reason, entraSentence(error), {
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(aadsts === undefined ? {} : { aadsts }),
    ...(oauthError === undefined ? {} : { code: oauthError }),
    cause: error,
  });
}

/** A service's 401/403 as a refusal: `code` is the service's own (AuthorizationFailed, Authorization_RequestDenied…). */
export function serviceRefusal(
  service: Exclude<AccessDeniedService, 'Entra'>,
  statusCode: number,
  code: string | undefined,
  message: string,
  tenantId?: string,
  cause?: unknown,
): AccessDeniedError {
  return new AccessDeniedError(service, 'forbidden', message, {
    statusCode,
    ...(code === undefined || code === '' ? {} : { code }),
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Wraps a credential so that Entra's refusals come out as AccessDeniedError (other failures unchanged). */
export function withEntraRefusals(credential: TokenCredential, homeTenantId: string): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await credential.getToken(scopes, options);
      } catch (error: unknown) {
        throw entraRefusal(error, options?.tenantId ?? homeTenantId) ?? error;
      }
    },
  };
}
