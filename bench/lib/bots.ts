// Starting either bot for a bench round: ours on a fresh copy of a seeded store, the echo bot bare; and what a bot answered.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSandbox } from '../../src/sandbox';
import { cloudSettingsOf } from '../../src/sandbox/cloud-settings';
import { senderEnv } from './activities';
import { spawnBot, type BotKind, type BotProcess } from './processes';

/**
 * Our bot's settings as `npm run dev` runs it (env/.env.local: the built-in sandbox cloud, the delegated model, no
 * BOT_ID so no inbound authentication, LOG_LEVEL=info), on a free loopback port, with its store where the bench says.
 */
export const localBotEnv = (storePath: string): Record<string, string> => ({
  CLOUD: 'sandbox',
  PORT: '0',
  HOST: '127.0.0.1',
  ACCESS_MODEL: 'delegated',
  GDAP_SECURITY_GROUPS: '5a0e0002-0000-4000-8000-000000000004',
  RELATIONSHIP_POLL_INTERVAL: '10s',
  LOG_LEVEL: 'info',
  STORE: `sqlite:${storePath}`,
  ...senderEnv,
});

/**
 * Our bot as deployed: the cloud is elsewhere (here the sandbox, started once in this process, plays Azure: endpoints,
 * authority, the partner app and its refresh token given), so the bot starts no sandbox of its own — but still loads
 * its code. Its certificate is trusted the way a process trusts one, through NODE_EXTRA_CA_CERTS.
 */
export function deployedEnv(sandbox: RunningSandbox, caFile: string) {
  return (storePath: string): Record<string, string> => ({
    ...localBotEnv(storePath),
    ...cloudSettingsOf(sandbox),
    NODE_EXTRA_CA_CERTS: caFile,
  });
}

export interface RoundBot extends BotProcess {
  /** Our bot's store file (undefined for the echo bot); readable until dispose(). */
  readonly storePath?: string;
  /** Stops the bot and removes its store copy. */
  dispose(): Promise<void>;
}

export interface RoundBotOptions {
  /** A seeded store file to start from (copied); none: an empty store. */
  readonly template?: string;
  /** Our bot's environment for a store path; default localBotEnv. */
  readonly env?: (storePath: string) => Record<string, string>;
  readonly nodeArgs?: readonly string[];
  /** Another build of our bot (its dist/…/src/main.js), e.g. the code before a change. */
  readonly entry?: string;
  /** Added to either bot's environment. */
  readonly extraEnv?: Record<string, string>;
}

/**
 * Starts one bot for one round. Ours gets its own copy of the template store, so every round starts from the same
 * history whatever the previous round wrote.
 */
export async function startRoundBot(kind: BotKind, options: RoundBotOptions = {}): Promise<RoundBot> {
  const nodeArgs = options.nodeArgs ?? [];
  if (kind === 'echo') {
    const bot = await spawnBot('echo', { env: { PORT: '0', HOST: '127.0.0.1', ...options.extraEnv }, nodeArgs });
    return { ...bot, dispose: () => bot.stop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-'));
  const storePath = join(dir, 'bot.db');
  if (options.template) copyFileSync(options.template, storePath);
  try {
    const bot = await spawnBot('ours', { env: { ...(options.env ?? localBotEnv)(storePath), ...options.extraEnv }, nodeArgs, ...(options.entry ? { entry: options.entry } : {}) });
    return {
      ...bot,
      storePath,
      async dispose() {
        await bot.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What a bot's send said, in a few words: "card [confirm, cancel]" or the start of its text. */
export function describeAnswer(body: string): string {
  try {
    const activity = JSON.parse(body) as { text?: string; attachments?: { contentType?: string; content?: { actions?: { verb?: string; title?: string }[] } }[] };
    const card = activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    if (card) return `card [${(card.content?.actions ?? []).map((a) => a.verb ?? a.title ?? '?').join(', ')}]`;
    return `text "${(activity.text ?? '').slice(0, 60)}"`;
  } catch {
    return body === '' ? '(nothing sent)' : '(not JSON)';
  }
}
