// A small JSON client on @azure/core-rest-pipeline (bearer policy, retries, TLS) shared by the Partner Center and Graph gateways.
import { rootCertificates } from 'node:tls';
import {
  bearerTokenAuthenticationPolicy, createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest,
  isRestError, type HttpClient, type PipelineRetryOptions, type TlsSettings,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { z } from 'zod';
import { CloudUnavailableError } from '../services/ports';

export type RestService = 'PartnerCenter' | 'Graph';

export interface RestClientOptions {
  readonly service: RestService;
  /** Scheme and host (and port), no trailing slash, e.g. https://graph.microsoft.com. */
  readonly baseUrl: string;
  /** Already bound to the tenant the tokens must be for. */
  readonly credential: TokenCredential;
  /** e.g. https://graph.microsoft.com/.default */
  readonly scope: string;
  readonly tlsCa?: string;
  readonly retryOptions?: PipelineRetryOptions;
  readonly httpClient?: HttpClient;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface RestClient {
  /** GET a path on the service ("/v1/customers?size=100"); 2xx and 404 come back, anything else throws. */
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<JsonResponse>;
  /** POST a JSON body to a path on the service; 2xx and 404 come back, anything else throws. */
  post(pathAndQuery: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
}

/** TLS settings that trust an extra CA *in addition to* Node's bundled roots (tlsOptions.ca replaces them otherwise). */
export function tlsWithExtraCa(tlsCa: string | undefined): TlsSettings | undefined {
  return tlsCa === undefined ? undefined : { ca: [...rootCertificates, tlsCa] };
}

export function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export function createRestClient(options: RestClientOptions): RestClient {
  const pipeline = createPipelineFromOptions({
    retryOptions: options.retryOptions,
    tlsOptions: tlsWithExtraCa(options.tlsCa),
    userAgentOptions: { userAgentPrefix: 'csp-access-bot' },
  });
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
      const detail = isRestError(error) ? `${error.code ?? 'RestError'}: ${error.message}` : String(error);
      throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery} failed: ${detail}`, { cause: error });
    }
    const text = response.bodyAsText ?? '';
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch (error: unknown) {
        throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery}: answer ${response.status} is not JSON`, { cause: error });
      }
    }
    if ((response.status >= 200 && response.status < 300) || response.status === 404) return { status: response.status, body: parsed };
    throw new CloudUnavailableError(options.service, `${method} ${pathAndQuery} answered ${response.status}: ${text.slice(0, 500)}`);
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
