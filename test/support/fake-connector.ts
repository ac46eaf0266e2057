// A fake Bot Connector on loopback: records what the bot sends (replies, proactive messages, updates) as Teams would,
// and, given the bot's identity, refuses any send whose bearer token Entra did not issue to that bot, as Bot Framework does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { botTokenProblem, entraKeys, type BotTokenExpectations } from './bot-token-check';

export interface SentActivity {
  readonly method: 'POST' | 'PUT';
  readonly conversationId: string;
  /** The id we answered with (POST) or the id being updated (PUT). */
  readonly activityId: string;
  readonly replyToId?: string;
  /** The Authorization header the bot sent (its outbound Bot Connector token), if any. */
  readonly authorization?: string;
  /** When the send was accepted (ms since epoch). */
  readonly at: number;
  readonly body: Record<string, unknown> & { type?: string; text?: string; attachments?: { contentType: string; content: unknown }[] };
}

/** A send the connector refused for its token, and why (the bot never learns more than 401). */
export interface RefusedSend {
  readonly method: string;
  readonly path: string;
  readonly reason: string;
}

export interface FakeConnectorOptions {
  /** Check every send's bearer token like the Bot Connector: issued by this Entra to this bot (absent: no check). */
  readonly botToken?: BotTokenExpectations;
}

export interface FakeConnector {
  readonly serviceUrl: string;
  readonly sent: SentActivity[];
  /** Sends refused with 401 because their token was missing or not the bot's. */
  readonly refused: RefusedSend[];
  /** Every call the bot made, in arrival order, with the status it was answered (refused ones included). */
  readonly attempts: { readonly method: string; readonly path: string; readonly status: number }[];
  /** Activities sent to one conversation (new messages and updates), in order. */
  to(conversationId: string): SentActivity[];
  /** Answer the next N sends with this status (e.g. 429) before accepting again. */
  failNext(count: number, status: number, headers?: Record<string, string>, body?: string): void;
  /** Hold every send this long before recording and answering it, like a slow Teams. */
  delaySends(ms: number): void;
  /** Hold every send, unrecorded and unanswered, until the returned function is called (a Teams that is slow for as long as the test needs). */
  holdSends(): () => void;
  /** Never answer sends to this conversation (each counted in `attempts` with status 0 when it arrives): the bot must give up on its own. */
  hangSendsTo(conversationId: string): void;
  stop(): Promise<void>;
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const sent: SentActivity[] = [];
  const refused: RefusedSend[] = [];
  const keys = options.botToken ? entraKeys(options.botToken) : undefined;
  const attempts: { method: string; path: string; status: number }[] = [];
  let counter = 0;
  let failures: { count: number; status: number; headers: Record<string, string>; body: string } = { count: 0, status: 200, headers: {}, body: '' };
  let sendDelayMs = 0;
  let held: (() => void)[] | undefined;
  const hung = new Set<string>();
  const server: Server = createServer((req, res) => {
    const handle = async (raw: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (options.botToken && keys) {
        const reason = await botTokenProblem(req.headers.authorization, options.botToken, keys);
        if (reason) {
          refused.push({ method: req.method ?? '', path: url.pathname, reason });
          // Bot Framework's answer to a send without a valid bot token.
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Authorization has been denied for this request.' }));
          return;
        }
      }
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
      if (failures.count > 0) {
        failures.count--;
        attempts.push({ method: req.method ?? '', path: url.pathname, status: failures.status });
        res.writeHead(failures.status, { 'content-type': 'application/json', ...failures.headers });
        res.end(failures.body);
        return;
      }
      if (!match?.[1] || (req.method !== 'POST' && req.method !== 'PUT')) {
        attempts.push({ method: req.method ?? '', path: url.pathname, status: 404 });
        res.writeHead(404);
        res.end();
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
      if (hung.has(conversationId)) {
        attempts.push({ method: req.method, path: url.pathname, status: 0 });
        return;
      }
      const pathId = match[2] ? decodeURIComponent(match[2]) : undefined;
      const body = JSON.parse(raw.toString('utf8') || '{}') as SentActivity['body'];
      const activityId = req.method === 'PUT' && pathId ? pathId : `activity-${++counter}`;
      const method = req.method;
      const authorization = req.headers.authorization;
      const record = () =>
        sent.push({ method, conversationId, activityId, ...(req.method === 'POST' && pathId ? { replyToId: pathId } : {}), ...(authorization ? { authorization } : {}), at: Date.now(), body });
      const answer = () => {
        attempts.push({ method, path: url.pathname, status: 200 });
        record();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: activityId }));
      };
      if (held) held.push(answer);
      else if (sendDelayMs > 0) setTimeout(answer, sendDelayMs);
      else answer();
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(Buffer.concat(chunks)).catch(() => {
        if (res.headersSent) return;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"ServiceError"}}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    sent,
    refused,
    attempts,
    to: (conversationId) => sent.filter((a) => a.conversationId === conversationId),
    failNext(count, status, headers = {}, body = '{"error":{"code":"Throttled"}}') {
      failures = { count, status, headers, body };
    },
    delaySends(ms) {
      sendDelayMs = ms;
    },
    holdSends() {
      const mine: (() => void)[] = [];
      held = mine;
      return () => {
        if (held === mine) held = undefined;
        for (const answer of mine.splice(0)) answer();
      };
    },
    hangSendsTo(conversationId) {
      hung.add(conversationId);
    },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // A hung send whose caller never hung up would keep the server open.
      server.closeAllConnections();
    }),
  };
}

/** The Adaptive Card carried by a sent activity, if any. */
export function cardOf(activity: SentActivity | undefined): CardJson | undefined {
  const attachment = activity?.body.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as CardJson | undefined;
}

export interface CardJson {
  type: 'AdaptiveCard';
  body?: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  actions?: { type: string; verb?: string; title?: string; data?: Record<string, unknown> }[];
  refresh?: { action: { verb: string; data: Record<string, unknown> }; userIds: string[] };
}

/** Everything a person reads on the card, as one string (nested containers and columns included). */
export function cardText(card: CardJson | undefined): string {
  if (!card) return '';
  type Element = { text?: string; facts?: { title: string; value: string }[]; items?: Element[]; columns?: Element[] };
  const read = (element: Element): string[] => [
    ...(element.text !== undefined ? [element.text] : []),
    ...(element.facts ?? []).map((f) => `${f.title}: ${f.value}`),
    ...(element.items ?? []).flatMap(read),
    ...(element.columns ?? []).flatMap(read),
  ];
  return ((card.body ?? []) as Element[]).flatMap(read).join('\n');
}

export const buttonsOf = (card: CardJson | undefined): string[] => (card?.actions ?? []).map((a) => a.title ?? '');
