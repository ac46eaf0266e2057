// The HTTP endpoint Teams posts to: size cap, JSON and shape checks, authentication, channel check, generic errors.
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Activity, TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as restify from 'restify';
import { localeOf, messagesFor } from '../i18n';
import type { Logger } from '../logger';
import { ALLOWED_CHANNELS, inboundActivity, safeId } from './inbound-activity';
import { ConversationBlockedError } from './outbound-limits';
import type { SecureTeamsAdapter } from './secure-adapter';
import { setTurnLogger } from './turn-logger';

/** Bot Framework activities are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  readonly adapter: SecureTeamsAdapter;
  readonly app: Application<TurnState>;
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  /** true when BOT_ID is set: a request without a bearer token is refused before its body is read. */
  readonly authRequired: boolean;
  /**
   * The issuer of the channel's tokens (Bot Framework's, or a test/private cloud's). A Teams-only bot takes no other:
   * Emulator and skill tokens would go through botbuilder's other validations, which do not check the serviceurl claim.
   */
  readonly channelTokenIssuer?: string;
}

const BOT_FRAMEWORK_CHANNEL_ISSUER = 'https://api.botframework.com';

/** The issuer a bearer token claims (unverified: it only picks the path; the adapter then verifies everything). */
function claimedIssuer(authorization: string): string | undefined {
  const payload = /^Bearer [\w-]+\.([\w-]+)\.[\w-]*$/.exec(authorization)?.[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && typeof (claims as { iss?: unknown }).iss === 'string' ? (claims as { iss: string }).iss : undefined;
  } catch {
    return undefined;
  }
}

/** What leaves the process on failure: a status and a fixed word, never an exception message. */
type Refusal = readonly [status: number, error: string];
const TOO_LARGE: Refusal = [413, 'payload_too_large'];
const BAD_REQUEST: Refusal = [400, 'bad_request'];
const UNAUTHORIZED: Refusal = [401, 'unauthorized'];
const FORBIDDEN: Refusal = [403, 'forbidden'];
const UNSUPPORTED: Refusal = [415, 'unsupported_media_type'];
const UNAVAILABLE: Refusal = [503, 'unavailable'];
const INTERNAL: Refusal = [500, 'internal_error'];

class BodyTooLarge extends Error {}

/** Reads the raw body, refusing by Content-Length first and by counting bytes for chunked uploads. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Authentication failures as botbuilder and jsonwebtoken raise them. */
function isAuthFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, statusCode } = error as { name?: unknown; statusCode?: unknown };
  if (name === 'JsonWebTokenError' || name === 'TokenExpiredError' || name === 'NotBeforeError') return true;
  return statusCode === 401 || (name === 'AuthenticationError' && statusCode !== 500);
}

const errorFields = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message.slice(0, 300) } : { message: String(error).slice(0, 300) });

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = restify.createServer({ name: 'csp-access-bot', handleUncaughtExceptions: false });
  // restify's own errors (404, 405, …) carry its messages: answer with a fixed word instead.
  server.on('restifyError', (_req: restify.Request, res: restify.Response, error: { statusCode?: number }, callback: () => void) => {
    res.status(error.statusCode ?? 500);
    res.json({ error: (error.statusCode ?? 500) === 404 ? 'not_found' : 'error' });
    callback();
  });

  server.post('/api/messages', async (req, res) => {
    const correlationId = randomUUID();
    const started = Date.now();
    // One child logger per request, made once its bindings are known (each child serializes its bindings when made):
    // until the activity is read, lines carry the correlation id alone.
    let log: Logger | undefined;
    const logger = (): Logger => (log ??= options.logger.child({ correlationId }));
    const refuse = ([status, error]: Refusal, why: string, extra: Record<string, unknown> = {}) => {
      logger().warn({ status, why, ms: Date.now() - started, ...extra }, 'request refused');
      res.status(status);
      res.json({ error });
    };
    let activity: Activity | undefined;
    try {
      const auth = req.header('authorization') ?? '';
      if (options.authRequired && !/^Bearer \S+$/.test(auth)) return refuse(UNAUTHORIZED, 'no bearer token');
      // Only the channel's own tokens: the Emulator and skill paths are off (a malformed token is the adapter's to refuse).
      const issuer = options.authRequired ? claimedIssuer(auth) : undefined;
      if (issuer !== undefined && issuer !== (options.channelTokenIssuer ?? BOT_FRAMEWORK_CHANNEL_ISSUER)) return refuse(UNAUTHORIZED, 'not a channel token');
      if (!/^application\/json\b/i.test(req.header('content-type') ?? '')) return refuse(UNSUPPORTED, 'not JSON');
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          // The rest of the body is not read: the connection ends with the answer instead of waiting for it.
          res.setHeader('connection', 'close');
          return refuse(TOO_LARGE, 'body over the size cap');
        }
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse(BAD_REQUEST, 'malformed JSON');
      }
      const parsed = inboundActivity.safeParse(json);
      if (!parsed.success) return refuse(BAD_REQUEST, 'not an activity', { issues: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')) });
      activity = parsed.data as unknown as Activity;
      const turnLog = options.logger.child({ correlationId, activityId: safeId(activity.id), type: safeId(activity.type), channelId: safeId(activity.channelId) });
      log = turnLog;

      let turnStarted = false;
      let channelRefused = false;
      let invokeResponse;
      try {
        invokeResponse = await options.adapter.authenticateAndRun(auth, parsed.data as unknown as Activity, async (context: TurnContext) => {
          turnStarted = true;
          // After authentication, so an unauthenticated caller learns nothing from the answer.
          if (!ALLOWED_CHANNELS.has(context.activity.channelId)) {
            channelRefused = true;
            return;
          }
          setTurnLogger(context, turnLog);
          options.adapter.noteInbound(context.activity);
          await options.app.run(context);
        });
      } catch (error) {
        if (!turnStarted) {
          if (isAuthFailure(error)) return refuse(UNAUTHORIZED, 'token refused', { err: errorFields(error) });
          const status = (error as { statusCode?: unknown }).statusCode === 500 ? UNAVAILABLE : INTERNAL;
          turnLog.error({ err: errorFields(error) }, 'authentication could not run');
          return refuse(status, 'authentication could not run');
        }
        throw error;
      }
      if (channelRefused) return refuse(FORBIDDEN, 'channel not allowed');
      turnLog.info({ status: invokeResponse?.status ?? 200, ms: Date.now() - started }, 'turn done');
      res.status(invokeResponse?.status ?? 200);
      if (invokeResponse?.body !== undefined) res.json(invokeResponse.body);
      else res.end();
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof ConversationBlockedError) {
        // Teams refuses our messages there (recorded when found): nothing more to say, and no retry wanted.
        logger().warn({ err: errorFields(error) }, 'conversation blocked; turn ended without a reply');
        res.status(200);
        res.end();
        return;
      }
      logger().error({ err: errorFields(error) }, 'request failed');
      // Teams must get an invoke answer, never a 5xx; the words are ours, never the exception's.
      if (activity?.type === 'invoke') {
        res.status(200);
        res.json({ statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: messagesFor(localeOf(activity.locale)).internalError } });
        return;
      }
      res.status(INTERNAL[0]);
      res.json({ error: INTERNAL[1] });
    }
  });
  server.get('/health', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  // Azure's front ends (App Service, Bot Service) keep connections to the bot open and reuse them. Node closes an idle
  // one after 5 s by default, so a request sent on it just then meets a reset (a 502 for Teams): the side that sends
  // must be the one to close first. Headers must then be allowed a little longer than the idle wait.
  server.server.keepAliveTimeout = 120_000;
  server.server.headersTimeout = 121_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = address.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      // Turns in flight are answered; a connection is closed as soon as it is idle, rather than kept for a client
      // that might reuse it (which would hold the stop for the whole keep-alive time).
      const idle = setInterval(() => server.server.closeIdleConnections(), 100);
      server.close(() => {
        clearInterval(idle);
        resolve();
      });
      server.server.closeIdleConnections();
    }),
  };
}
