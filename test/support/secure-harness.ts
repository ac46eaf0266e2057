// The bot as deployed (CLOUD=azure, BOT_ID set) on loopback: tokens from a local signer, clouds from the sandbox.
import pino from 'pino';
import type { StartOptions } from '../../src/main';
import { startHarness, type Harness } from './bot-harness';
import { APPROVER_IDS, PARTNER_TENANT } from './teams-users';
import { fakeBotCredentials, startTokenIssuer, TEST_BOT_ID, type TokenIssuer } from './token-issuer';

export interface RawResponse {
  readonly status: number;
  readonly text: string;
  readonly body: unknown;
}

export interface SecureHarness {
  readonly h: Harness;
  readonly issuer: TokenIssuer;
  /** POSTs an activity with a valid channel token for its serviceUrl (or `token`, or none when null). */
  post(activity: { serviceUrl: string }, token?: string | null): Promise<RawResponse>;
  /** POSTs any bytes with any headers. */
  postRaw(body: string | Buffer, headers?: Record<string, string>): Promise<RawResponse>;
  stop(): Promise<void>;
}

export async function startSecureHarness(env: Record<string, string> = {}, startOptions: StartOptions = {}): Promise<SecureHarness> {
  const issuer = await startTokenIssuer();
  const h = await startHarness(
    {
      CLOUD: 'azure',
      BOT_ID: TEST_BOT_ID,
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TENANT_ID: PARTNER_TENANT,
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
      PARTNER_TENANT_ID: PARTNER_TENANT,
      APPROVERS: APPROVER_IDS.join(','),
      ...env,
    },
    {
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      ...(env.BOT_ID === '' ? {} : { botCredentialsFactory: fakeBotCredentials() }),
      ...startOptions,
    },
  );
  const postRaw = async (body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const response = await fetch(`${h.bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, text, body: parsed };
  };
  return {
    h,
    issuer,
    post: (activity, token) => {
      const bearer = token === undefined ? issuer.sign(activity.serviceUrl) : token;
      return postRaw(JSON.stringify(activity), bearer === null ? {} : { authorization: `Bearer ${bearer}` });
    },
    postRaw,
    async stop() {
      await h.stop();
      await issuer.stop();
    },
  };
}
