// The bot's own Bot Connector token: client credentials at BOT_LOGIN_URL through MSAL, as botbuilder gets it.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { entraNetworkClient, knownAuthoritiesFor } from '../gateways/credentials-network';
import type { BotCredentialsFactory } from './secure-adapter';

/** Where Bot Framework's own constants get the bot's token (AuthenticationConstants.ToChannelFromBotLoginUrlPrefix). */
export const MICROSOFT_BOT_LOGIN_HOST = 'https://login.microsoftonline.com';
/** The tenant botbuilder asks for a multi-tenant bot's token (AuthenticationConstants.DefaultChannelAuthTenant). */
const BOT_FRAMEWORK_TENANT = 'botframework.com';

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

/**
 * The authority the bot's token comes from: BOT_LOGIN_URL, else `{host}/{tenant}` with botbuilder's tenant for the app
 * type (the bot's tenant when single-tenant, botframework.com otherwise) on `host` (default Microsoft's).
 */
export function botLoginUrl(options: Pick<BotCredentialOptions, 'appType' | 'tenantId' | 'loginUrl'> & { readonly host?: string }): string {
  if (options.loginUrl) return options.loginUrl.replace(/\/+$/, '');
  const tenant = options.appType === 'SingleTenant' && options.tenantId ? options.tenantId : BOT_FRAMEWORK_TENANT;
  return `${(options.host ?? MICROSOFT_BOT_LOGIN_HOST).replace(/\/+$/, '')}/${tenant}`;
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
  const client = new ConfidentialClientApplication({
    // The same trust rule and HTTP as the partner app's credentials: a non-Microsoft host is a known authority.
    auth: { clientId: options.appId, clientSecret: options.appPassword ?? '', authority, knownAuthorities: knownAuthoritiesFor(new URL(authority).origin) },
    system: { networkClient: entraNetworkClient(options.tlsCa) },
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
