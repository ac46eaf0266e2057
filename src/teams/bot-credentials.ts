// The bot's own Bot Connector token: client credentials at BOT_LOGIN_URL through MSAL, as botbuilder gets it.
import { request as httpsRequest } from 'node:https';
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { BotCredentialsFactory } from './secure-adapter';

/** Where Bot Framework's own constants get the bot's token (AuthenticationConstants.ToChannelFromBotLoginUrlPrefix). */
export const MICROSOFT_BOT_LOGIN_HOST = 'https://login.microsoftonline.com';
/** The tenant botbuilder asks for a multi-tenant bot's token (AuthenticationConstants.DefaultChannelAuthTenant). */
const BOT_FRAMEWORK_TENANT = 'botframework.com';

/**
 * Entra hosts MSAL knows (its hardcoded instance metadata): for these MSAL validates the authority itself. Any other
 * host is a private or test cloud that the operator named, trusted as configured (CONTRACT.md, "Authorities").
 */
const MICROSOFT_ENTRA_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net',
  'login.microsoftonline.us', 'login.usgovcloudapi.net', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn',
]);

export interface BotCredentialOptions {
  readonly appId: string;
  readonly appPassword?: string;
  readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMsi';
  readonly tenantId?: string;
  /** BOT_LOGIN_URL: `{host}/{tenant}`; default Microsoft's for the app type. */
  readonly loginUrl?: string;
  /** A CA to trust for the login host besides the system's (in-process tests; a process uses NODE_EXTRA_CA_CERTS). */
  readonly tlsCa?: string;
}

/** The authority the bot's token comes from: BOT_LOGIN_URL, else Microsoft's for a single- or multi-tenant bot. */
export function botLoginUrl(options: Pick<BotCredentialOptions, 'appType' | 'tenantId' | 'loginUrl'>): string {
  if (options.loginUrl) return options.loginUrl.replace(/\/+$/, '');
  const tenant = options.appType === 'SingleTenant' && options.tenantId ? options.tenantId : BOT_FRAMEWORK_TENANT;
  return `${MICROSOFT_BOT_LOGIN_HOST}/${tenant}`;
}

/**
 * How the bot proves itself to the Bot Connector. A password bot gets `{audience}/.default` by client credentials from
 * a ConfidentialClientApplication on the login URL, as botbuilder's MsalAppCredentials does; unlike botbuilder's
 * password factory (which builds MSAL with the authority alone, so MSAL asks login.microsoftonline.com's instance
 * discovery about any other host and refuses it as untrusted_authority), a login host that is not Microsoft's is
 * named in MSAL's knownAuthorities. A managed-identity bot keeps botbuilder's own factory.
 */
export function createBotCredentialsFactory(options: BotCredentialOptions): BotCredentialsFactory {
  if (options.appType === 'UserAssignedMsi') {
    return new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: options.appId, MicrosoftAppType: options.appType, MicrosoftAppTenantId: options.tenantId ?? '' });
  }
  const authority = botLoginUrl(options);
  const host = new URL(authority).host.toLowerCase();
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: options.appId,
      clientSecret: options.appPassword ?? '',
      authority,
      ...(MICROSOFT_ENTRA_HOSTS.has(host) ? {} : { knownAuthorities: [host] }),
    },
    ...(options.tlsCa ? { system: { networkClient: httpsWithCa(options.tlsCa) } } : {}),
  });
  const credentialsFor = (audience: string) => ({
    async signRequest<T extends { headers: { set(name: string, value: string): void } }>(webResource: T): Promise<T> {
      const scope = audience.endsWith('/.default') ? audience : `${audience.replace(/\/+$/, '')}/.default`;
      // MSAL keeps the token in memory and asks again shortly before it expires.
      const result = await client.acquireTokenByClientCredential({ scopes: [scope] });
      if (!result?.accessToken) throw new Error('Authentication: no access token received from MSAL.');
      webResource.headers.set('authorization', `Bearer ${result.accessToken}`);
      return webResource;
    },
  });
  const factory = {
    isValidAppId: async (appId: string) => appId === options.appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async (appId: string, audience: string) => {
      if (appId !== options.appId) throw new Error('Invalid appId.');
      return credentialsFor(audience || 'https://api.botframework.com');
    },
  };
  return factory satisfies BotCredentialsFactory;
}

/** MSAL's HTTP over node:https with one more CA (its default client is fetch, which only reads NODE_EXTRA_CA_CERTS). */
function httpsWithCa(ca: string): INetworkModule {
  const send = <T>(url: string, method: 'GET' | 'POST', options: NetworkRequestOptions | undefined, timeoutInMs = 60_000): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const body = method === 'POST' ? (options?.body ?? '') : undefined;
      const req = httpsRequest(url, { method, ca, headers: { ...options?.headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, timeout: timeoutInMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const headers = Object.fromEntries(Object.entries(res.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
            resolve({ status: res.statusCode ?? 0, headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('Request timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, 'GET', options, timeout),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}
