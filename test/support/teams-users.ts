// Teams-side identities of the sandbox's partner users, and Bot Framework activities as Teams sends them.
import { randomUUID } from 'node:crypto';
import { cloudSettingsOf, type SandboxCloud } from '../../src/sandbox/cloud-settings';

export const PARTNER_TENANT = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
export const OTHER_TENANT = '99999999-9999-4999-8999-999999999999';
export const BOT = { id: '28:csp-access-bot', name: 'CSP Access Bot' };

export interface TeamsUser {
  readonly aadObjectId: string;
  readonly teamsId: string;
  readonly name: string;
  /** Their 1:1 conversation with the bot. */
  readonly conversationId: string;
}

const user = (n: number, key: string, name: string): TeamsUser => ({
  aadObjectId: `5a0e0001-0000-4000-8000-00000000000${n}`,
  teamsId: `29:teams-${key}`,
  name,
  conversationId: `a:personal-${key}`,
});

export const SAM = user(1, 'sam', 'Sam Seller');
export const ADA = user(2, 'ada', 'Ada Approver');
export const ALEX = user(3, 'alex', 'Alex Approver');
export const PAT = user(4, 'pat', 'Pat Presales');
export const APPROVER_IDS = [ADA.aadObjectId, ALEX.aadObjectId];

interface ActivityOptions {
  readonly serviceUrl: string;
  readonly tenantId?: string;
  readonly locale?: string;
  readonly channelId?: string;
}

function base(from: TeamsUser, options: ActivityOptions) {
  const tenantId = options.tenantId ?? PARTNER_TENANT;
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: options.channelId ?? 'msteams',
    serviceUrl: options.serviceUrl,
    from: { id: from.teamsId, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    conversation: { id: from.conversationId, conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    locale: options.locale ?? 'en-US',
  };
}

export const messageFrom = (from: TeamsUser, text: string, options: ActivityOptions) => ({ ...base(from, options), type: 'message', text });

export const installFrom = (from: TeamsUser, options: ActivityOptions) => ({
  ...base(from, options),
  type: 'conversationUpdate',
  membersAdded: [{ id: BOT.id }, { id: from.teamsId, aadObjectId: from.aadObjectId }],
});

/** An Action.Execute click as Teams sends it: `adaptiveCard/action` invoke with the button's data plus inputs. */
export const actionFrom = (from: TeamsUser, verb: string, data: Record<string, unknown>, options: ActivityOptions & { replyToId?: string }) => ({
  ...base(from, options),
  type: 'invoke',
  name: 'adaptiveCard/action',
  ...(options.replyToId ? { replyToId: options.replyToId } : {}),
  value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
});

/** What the environment needs from a running sandbox: its URL, and its Entra's partner app and refresh tokens. */
export type SandboxForBot = SandboxCloud;

/**
 * The contract's environment for a bot on a given sandbox (the one CONTRACT.md names), on a free loopback port: its
 * endpoints, its Entra as the authority, the partner app, and the service account's refresh token (as `npm run consent` gives).
 */
export const sandboxBotEnv = (sandbox: SandboxForBot, storePath: string): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  CLOUD: 'sandbox',
  PARTNER_TENANT_ID: PARTNER_TENANT,
  APPROVERS: APPROVER_IDS.join(','),
  ...cloudSettingsOf(sandbox),
  STORE: `sqlite:${storePath}`,
});
