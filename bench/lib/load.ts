// Drives a bot with one message under autocannon (senders rotating), and one message alone to see what it answers.
import autocannon from 'autocannon';
import { messageActivity, type MessageName } from './activities';
import { describeAnswer } from './bots';
import type { BenchConnector } from './connector';

export interface LoadMeasure {
  /** Answered turns (HTTP 2xx) per second of the run. */
  readonly reqPerSec: number;
  readonly turns: number;
  readonly p50: number;
  readonly p99: number;
  /** Non-2xx answers, connection errors and timeouts. */
  readonly failures: number;
  /** Sends the connector accepted per answered turn (1 for a plain reply). */
  readonly repliesPerTurn: number;
}

/** `seconds` of load, or exactly `amount` turns; `connections` at a time. */
export async function drive(url: string, connector: BenchConnector, name: MessageName, run: { seconds: number } | { amount: number }, connections = 10): Promise<LoadMeasure> {
  let sent = 0;
  const repliesBefore = connector.accepted;
  const result = await autocannon({
    url: `${url}/api/messages`,
    connections,
    ...('seconds' in run ? { duration: run.seconds } : { amount: run.amount }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/messages',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: messageActivity(name, sent++, connector.serviceUrl) }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    reqPerSec: ok / result.duration,
    turns: ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    repliesPerTurn: ok > 0 ? (connector.accepted - repliesBefore) / ok : 0,
  };
}

/** One message through a bot, to see (and show) what it answers before its speed is measured. */
export async function answerOf(url: string, connector: BenchConnector, name: MessageName): Promise<string> {
  const before = connector.accepted;
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: messageActivity(name, 0, connector.serviceUrl) });
  await response.arrayBuffer();
  if (response.status !== 200) return `HTTP ${response.status}`;
  return connector.accepted > before ? describeAnswer(connector.last) : '(nothing sent)';
}
