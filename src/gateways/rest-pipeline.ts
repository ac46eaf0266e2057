// A small JSON client on @azure/core-rest-pipeline (bearer policy, the call policy's deadline and retries, TLS) shared by the Partner Center and Graph gateways.
import { rootCertificates } from 'node:tls';
import {
  bearerTokenAuthenticationPolicy, createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest,
  isRestError, type HttpClient, type HttpHeaders, type TlsSettings,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { z } from 'zod';
import { isAccessDenied } from '../services/access-errors';
import { CloudUnavailableError } from '../services/ports';
import { applyCallPolicy, retryAfterInMs, type CallPolicyOptions } from './call-policy';
import { serviceRefusal } from './token-errors';

export { retryAfterInMs } from './call-policy';

export type RestService = 'PartnerCenter' | 'Graph';

export interface RestClientOptions extends CallPolicyOptions {
  readonly service: RestService;
  /** Scheme and host (and port), no trailing slash, e.g. https://graph.microsoft.com. */
  readonly baseUrl: string;
  /** Already bound to the tenant the tokens must be for. */
  readonly credential: TokenCredential;
  /** That tenant, named on refusals (AccessDeniedError.tenantId). */
  readonly tenantId?: string;
  /** e.g. https://graph.microsoft.com/.default */
  readonly scope: string;
  readonly tlsCa?: string;
  readonly httpClient?: HttpClient;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface RestClient {
  /**
   * GET a path on the service ("/v1/customers?size=100"); 2xx and 404 come back. 401/403 (and a token Entra refused)
   * throw AccessDeniedError; anything else throws CloudUnavailableError.
   */
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<JsonResponse>;
  /** POST a JSON body to a path on the service; 2xx and 404 come back, refusals and failures throw as for get. */
  post(pathAndQuery: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
}

/** TLS settings that trust an extra CA *in addition to* Node's bundled roots (tlsOptions.ca replaces them otherwise). */
export function tlsWithExtraCa(tlsCa: string | undefined): TlsSettings | undefined {
  return tlsCa === undefined ? undefined : { ca: [...rootCertificates, tlsCa] };
}

export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The service's own error code in a refusal: Graph's and ARM's `error.code` (Authorization_RequestDenied,
 * AuthorizationFailed), Partner Center's `code` (a number, or a string).
 */
export function serviceErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const outer = body as { error?: unknown; code?: unknown };
  if (typeof outer.error === 'object' && outer.error !== null) {
    const code = (outer.error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
  }
  return typeof outer.code === 'string' || typeof outer.code === 'number' ? String(outer.code) : undefined;
}

/** The status and Retry-After travel on the error, so that callers who poll can respect a 429 (or a 503 that says when). */
function answerDetails(response: { readonly status: number; readonly headers: HttpHeaders }): { statusCode: number; retryAfterInMs?: number } {
  const wait = retryAfterInMs(response.headers);
  return { statusCode: response.status, ...(wait === undefined ? {} : { retryAfterInMs: wait }) };
}

export function createRestClient(options: RestClientOptions): RestClient {
  const pipeline = createPipelineFromOptions({ tlsOptions: tlsWithExtraCa(options.tlsCa), userAgentOptions: { userAgentPrefix: 'csp-access-bot' } });
  applyCallPolicy(pipeline, options);
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.scope }));
  const httpClient = options.httpClient ?? createDefaultHttpClient();
  const baseUrl = trimBaseUrl(options.baseUrl);

  async function send(method: 'GET' | 'POST', pathAndQuery: string, body: unknown, headers: Record<string, string>): Promise<JsonResponse> {
    const request = createPipelineRequest({
      url: `${baseUrl}${pathAndQuery}`,
      method,
      headers: createHttpHeaders({ Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    let response;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error: unknown) {
      // Entra refused the token (the bearer policy asked): a reason to act on, not an outage.
      if (isAccessDenied(error)) throw error;
      const detail = isRestError(error) ? `${error.code ?? 'RestError'}: ${error.message}` : String(error);
      const answer = isRestError(error) && error.response ? answerDetails(error.response) : {};
      throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery} failed: ${detail}`, { cause: error, ...answer });
    }
    const text = response.bodyAsText ?? '';
    const answered = answerDetails(response);
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (error: unknown) {
        throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery}: answer ${response.status} is not JSON`, { cause: error, ...answered });
      }
    }
    if ((response.status >= 200 && response.status < 300) || response.status === 404) return { status: response.status, body: parsed };
    if (response.status === 401 || response.status === 403) {
      throw serviceRefusal(options.service, response.status, serviceErrorCode(parsed), `${method} ${pathAndQuery} refused (${response.status}): ${text.slice(0, 500)}`, options.tenantId);
    }
    throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery} answered ${response.status}: ${text.slice(0, 500)}`, answered);
  }

  return {
    get: (pathAndQuery, headers = {}) => send('GET', pathAndQuery, undefined, headers),
    post: (pathAndQuery, body, headers = {}) => send('POST', pathAndQuery, body, headers),
  };
}

/**
 * The path and query of a paging link (Graph's absolute `@odata.nextLink`) when it points at `baseUrl`'s origin;
 * undefined otherwise, so that a bearer token is never sent to a host the client was not configured for.
 */
export function sameOriginPath(baseUrl: string, link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(baseUrl).origin) return undefined;
  // Sliced from the link itself rather than rebuilt from `url`, which could re-encode an opaque $skiptoken.
  const afterScheme = link.indexOf('//') + 2;
  const pathStart = link.indexOf('/', afterScheme);
  return pathStart < 0 ? `${url.pathname}${url.search}` : link.slice(pathStart);
}

/** Validates an answer with zod; a malformed answer is a cloud failure, not a bug of ours. */
export function parseAnswer<T extends z.ZodTypeAny>(service: RestService, schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new CloudUnavailableError(service, `Unexpected ${what} answer: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
