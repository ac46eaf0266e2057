// Starts what a component test needs on free loopback ports: the sandbox cloud, a fake connector, and the real bot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot, type StartOptions } from '../../src/main';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { startFakeConnector, type FakeConnector } from './fake-connector';
import { sandboxBotEnv } from './teams-users';

/** A clock the test moves by hand. */
export class TestClock {
  private at = Date.parse('2026-11-25T09:00:00Z');
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export interface Harness {
  /** The running bot; replaced by restart(). */
  readonly bot: RunningBot;
  readonly clock: TestClock;
  readonly sandbox: RunningSandbox;
  readonly connector: FakeConnector;
  readonly storePath: string;
  /** POSTs an activity to the bot's real endpoint; returns the HTTP status and parsed body. */
  post(activity: object): Promise<{ status: number; body: unknown }>;
  /** Stops the bot process and starts a new one on the same store file, as after a crash or a deployment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}, startOptions: StartOptions = {}): Promise<Harness> {
  const clock = new TestClock();
  const sandbox = await startSandbox({ port: 0 });
  const connector = await startFakeConnector();
  const dir = mkdtempSync(join(tmpdir(), 'csp-bot-test-'));
  const storePath = join(dir, 'bot.db');
  const config = loadConfig({
    ...sandboxBotEnv(sandbox, storePath),
    ...env,
  });
  const start = () => startBot(config, { tlsCa: sandbox.caCertPem, clock, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...startOptions });
  let bot = await start();
  return {
    get bot() {
      return bot;
    },
    clock,
    sandbox,
    connector,
    storePath,
    async post(activity) {
      const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async restart() {
      await bot.stop();
      bot = await start();
    },
    async stop() {
      await bot.stop();
      await connector.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
