// The refresh token kept as an Azure Key Vault secret (KEY_VAULT_URL), read and written with the App Service's managed identity.
import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { isRestError } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { tlsWithExtraCa } from '../gateways/rest-pipeline';
import type { RefreshTokenStore } from './refresh-token-store';

/** Key Vault's DNS suffixes (public and national clouds, Managed HSM): the SDK checks that a challenge's resource matches them. */
const KEY_VAULT_SUFFIXES = ['.vault.azure.net', '.vault.usgovcloudapi.net', '.vault.azure.cn', '.vault.microsoftazure.de', '.managedhsm.azure.net', '.managedhsm.usgovcloudapi.net', '.managedhsm.azure.cn'];

export function isAzureKeyVaultHost(vaultUrl: string): boolean {
  const host = new URL(vaultUrl).hostname.toLowerCase();
  return KEY_VAULT_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

export interface KeyVaultRefreshTokenOptions {
  /** https://{vault}.vault.azure.net */
  readonly vaultUrl: string;
  /** The secret's name (REFRESH_TOKEN_SECRET_NAME). */
  readonly secretName: string;
  /**
   * Who reads and writes the secret: default the App Service's managed identity (a user-assigned one when
   * `managedIdentityClientId` is given), else DefaultAzureCredential (az login on a workstation, for `npm run consent`).
   */
  readonly credential?: TokenCredential;
  readonly managedIdentityClientId?: string;
  /** Extra CA to trust for the vault (a local stand-in's). */
  readonly tlsCa?: string;
  readonly retryOptions?: PipelineRetryOptions;
}

/** The credential for the vault when none is given: the managed identity on Azure, the developer's sign-in elsewhere. */
export function defaultVaultCredential(managedIdentityClientId: string | undefined): TokenCredential {
  if (managedIdentityClientId) return new ManagedIdentityCredential({ clientId: managedIdentityClientId });
  return new DefaultAzureCredential();
}

export function openKeyVaultRefreshTokens(options: KeyVaultRefreshTokenOptions): RefreshTokenStore {
  const tlsOptions = tlsWithExtraCa(options.tlsCa);
  const client = new SecretClient(options.vaultUrl, options.credential ?? defaultVaultCredential(options.managedIdentityClientId), {
    // A vault that is not on Key Vault's domains (a private endpoint name, a local stand-in) is trusted as configured.
    disableChallengeResourceVerification: !isAzureKeyVaultHost(options.vaultUrl),
    ...(tlsOptions ? { tlsOptions } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'csp-access-bot' },
  });
  return {
    location: `Key Vault ${options.vaultUrl}, secret "${options.secretName}"`,
    async read() {
      try {
        const secret = await client.getSecret(options.secretName);
        return secret.value === undefined || secret.value === '' ? undefined : secret.value;
      } catch (error: unknown) {
        // Never saved yet (or deleted): not an error, the bot falls back to PARTNER_REFRESH_TOKEN.
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw error;
      }
    },
    async save(refreshToken) {
      await client.setSecret(options.secretName, refreshToken, {
        contentType: 'application/vnd.csp-access-bot.refresh-token',
        tags: { purpose: 'Partner Center Secure Application Model refresh token', writer: 'csp-access-bot' },
      });
    },
    async close() {
      // The SDK client holds no handle to release.
    },
  };
}
