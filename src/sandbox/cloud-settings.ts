// The settings that point a bot (or any Entra client) at a running sandbox, as they would point it at Azure.
import type { RunningSandbox } from './server';

/** What of a running sandbox its settings are made of. */
export type SandboxCloud = Pick<RunningSandbox, 'url' | 'authorityHost' | 'partnerApp' | 'issueRefreshToken'>;

/**
 * The clouds' endpoints, the sandbox's Entra as authority, the partner app, and a fresh refresh token of the service
 * account (what the one-time Secure Application Model consent, `npm run consent`, would have produced).
 */
export function cloudSettingsOf(sandbox: SandboxCloud): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: sandbox.authorityHost,
    ARM_ENDPOINT: sandbox.url,
    GRAPH_ENDPOINT: sandbox.url,
    PARTNER_CENTER_ENDPOINT: sandbox.url,
    AZURE_CLIENT_ID: sandbox.partnerApp.clientId,
    AZURE_CLIENT_SECRET: sandbox.partnerApp.clientSecret,
    PARTNER_REFRESH_TOKEN: sandbox.issueRefreshToken(),
  };
}
