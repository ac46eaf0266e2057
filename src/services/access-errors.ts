// Why Microsoft refused the bot (a token or an authorisation), as one error type the use cases turn into answers: never an outage.

/** What was refused, in the words of what someone has to do about it. */
export type AccessDeniedReason =
  /** The partner service account's refresh token is missing, expired or revoked (a password change too), or MFA is needed again (AADSTS50173, 700082, 9002313, 70000, 50133, 50076, 50079): someone must sign in again (`npm run consent`). */
  | 'sign_in_required'
  /** Our app has no service principal (no consent) in that tenant (AADSTS700016, 65001): admin consent or Partner Center applicationconsents. */
  | 'app_not_consented'
  /** The partner account holds no role in that customer's tenant, no active GDAP access assignment nor legacy DAP (AADSTS50020). */
  | 'not_in_customer_tenant'
  /** Our app's own credential was refused (AADSTS7000215 bad secret, 7000222 expired secret, 700027 bad certificate). */
  | 'app_credential_invalid'
  /** The tenant does not exist (AADSTS90002). */
  | 'unknown_tenant'
  /** The service itself refused the call (401/403: ARM AuthorizationFailed, Graph Authorization_RequestDenied, Partner Center 401/403). */
  | 'forbidden';

export type AccessDeniedService = 'Entra' | 'PartnerCenter' | 'Graph' | 'ARM';

export interface AccessDeniedErrorOptions {
  /** The tenant the token or call was for. */
  readonly tenantId?: string;
  /** Entra's AADSTS number, when Entra refused. */
  readonly aadsts?: number;
  /** HTTP status of the refusal. */
  readonly statusCode?: number;
  /** The service's own error code (AuthorizationFailed, Authorization_RequestDenied, invalid_grant…). */
  readonly code?: string;
  readonly cause?: unknown;
}

/** Thrown by credentials and gateways when Microsoft refuses (as opposed to CloudUnavailableError: did not answer). */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  readonly tenantId?: string;
  readonly aadsts?: number;
  readonly statusCode?: number;
  readonly code?: string;
  constructor(readonly service: AccessDeniedService, readonly reason: AccessDeniedReason, message: string, options: AccessDeniedErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    if (options.tenantId !== undefined) this.tenantId = options.tenantId;
    if (options.aadsts !== undefined) this.aadsts = options.aadsts;
    if (options.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options.code !== undefined) this.code = options.code;
  }
}

/** Checks by name (not instanceof), as the Azure SDK guidelines ask, so that errors crossing module copies still match. */
export function isAccessDenied(error: unknown): error is AccessDeniedError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AccessDeniedError';
}

/** The reason Entra's AADSTS code stands for; undefined for codes that are not a refusal of access (e.g. throttling). */
export function reasonOfAadsts(code: number): AccessDeniedReason | undefined {
  if ([50173, 700082, 9002313, 70000, 70008, 50076, 50079, 50078, 54005, 50132, 50133, 700084, 50089].includes(code)) return 'sign_in_required';
  if ([700016, 65001, 650051, 650052].includes(code)) return 'app_not_consented';
  if (code === 50020 || code === 50034 || code === 50053) return 'not_in_customer_tenant';
  if ([7000215, 7000222, 700027, 700024, 7000112].includes(code)) return 'app_credential_invalid';
  if (code === 90002) return 'unknown_tenant';
  return undefined;
}
