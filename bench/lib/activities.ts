// Teams message activities for the benches: the sandbox partner's tenant, senders rotating over many sales agents.
import { randomUUID } from 'node:crypto';
import { SANDBOX_PARTNER_TENANT_ID } from '../../src/config';

/** The messages the benches send, as a sales agent types them. */
export const MESSAGES = {
  help: { text: 'help', locale: 'en-US' },
  give: { text: "give Alice Contributor on Contoso's prod subscription", locale: 'en-US' },
  donne: { text: "donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", locale: 'fr-FR' },
} as const;
export type MessageName = keyof typeof MESSAGES;

/**
 * How many sales agents the load rotates over. A partner has tens to hundreds; each stays under its own message
 * limit at the rates reached here (with RATE_LIMIT raised, see senderEnv), and the bot meets a realistic number of
 * conversations rather than one user sending thousands of messages.
 */
export const SENDERS = 400;

export const senderId = (index: number): string => `be0c0000-0000-4000-8000-${String(index % SENDERS).padStart(12, '0')}`;

/** One message from sender `index` in their 1:1 chat, as Teams posts it. */
export function messageActivity(name: MessageName, index: number, serviceUrl: string): string {
  const { text, locale } = MESSAGES[name];
  const sender = index % SENDERS;
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:bench-agent-${sender}`, name: `Bench Agent ${sender}`, aadObjectId: senderId(sender) },
    recipient: { id: '28:csp-access-bot', name: 'CSP Access Bot' },
    conversation: { id: `a:bench-personal-${sender}`, conversationType: 'personal', tenantId: SANDBOX_PARTNER_TENANT_ID },
    channelData: { tenant: { id: SANDBOX_PARTNER_TENANT_ID } },
    locale,
    text,
  });
}

/**
 * Settings every bench gives our bot: the default limit (20 messages per user per 10 minutes) would answer most of
 * a load test "slow down"; 1,000 a minute per sender keeps every message a real turn, and the limiter's per-user
 * window stays as small as in production (a few dozen timestamps).
 */
export const senderEnv = { RATE_LIMIT: '1000/1m' } as const;
