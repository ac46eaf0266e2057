// MSAL's HTTP client on the Azure pipeline's TLS settings: the one place that makes Entra trust an extra CA (a local authority's).
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { tlsWithExtraCa } from './rest-pipeline';

/** Entra answers in well under a second; a minute without an answer is an outage (the contract's deadline). */
export const ENTRA_TIMEOUT_IN_MS = 60_000;

/** Microsoft's Entra hosts (public and national clouds): MSAL validates these by instance discovery; any other host is trusted as configured. */
const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net',
  'login.microsoftonline.us', 'login.usgovcloudapi.net', 'login-us.microsoftonline.com',
  'login.partner.microsoftonline.cn', 'login.chinacloudapi.cn',
  'login.microsoftonline.de',
]);

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** True for Microsoft's own Entra hosts; false for a local stand-in or a private cloud's host. */
export function isMicrosoftAuthorityHost(authorityHost: string | undefined): boolean {
  if (authorityHost === undefined) return true;
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * What MSAL needs to accept an authority host that is not Microsoft's: the host in `knownAuthorities` skips instance
 * discovery (a call to login.microsoftonline.com) and lets the discovery document's issuer live on that host.
 */
export function knownAuthoritiesFor(authorityHost: string | undefined): string[] {
  return authorityHost === undefined || isMicrosoftAuthorityHost(authorityHost) ? [] : [new URL(authorityHost).host];
}

/**
 * An MSAL `system.networkClient` (msal-node's own is `fetch`, which takes no CA option) sending through
 * @azure/core-rest-pipeline with `tlsWithExtraCa`, the same trust the gateways use. Bodies are JSON, as MSAL expects.
 */
export function entraNetworkClient(tlsCa: string | undefined, httpClient: HttpClient = createDefaultHttpClient()): INetworkModule {
  const tlsSettings = tlsWithExtraCa(tlsCa);
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeout: number | undefined): Promise<NetworkResponse<T>> {
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders(options?.headers),
      timeout: timeout ?? ENTRA_TIMEOUT_IN_MS,
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    });
    // Set after creation: createPipelineRequest does not copy tlsSettings (the pipeline's tlsPolicy sets it the same way).
    if (tlsSettings) request.tlsSettings = tlsSettings;
    const response = await httpClient.sendRequest(request);
    const text = response.bodyAsText ?? '';
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new Error(`${method} ${new URL(url).origin}${new URL(url).pathname} answered ${response.status} with a body that is not JSON`);
    }
    return { status: response.status, headers: response.headers.toJSON(), body: body as T };
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>('GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options, undefined),
  };
}
