// Outbound limits for Teams: at most N sends per second per conversation, a deadline on every attempt, the one retry
// policy of Bot Connector calls, blocked chats left alone.
import { createEmptyPipeline, createDefaultHttpClient, createHttpHeaders, createPipelineRequest, isRestError, type HttpClient } from '@azure/core-rest-pipeline';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { deadlinePolicy, DEFAULT_REQUEST_TIMEOUT_IN_MS, REQUEST_TIMED_OUT, retryAfterInMs, TRANSIENT_ERROR_CODES } from '../gateways/call-policy';

/** Teams' documented per-conversation budget for one bot is 7 messages a second (plus longer windows). */
export const TEAMS_SENDS_PER_SECOND = 7;
/** What Teams answers when it wants the bot to slow down or try again. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 412, 502, 504]);
/** 403 codes that mean "this conversation takes no more messages from the bot" (user blocked it, writes disabled). */
export const BLOCKED_CODES: ReadonlySet<string> = new Set(['MessageWritesBlocked', 'ConversationBlockedByUser']);

export interface OutboundLimitOptions {
  readonly sendsPerSecond?: number;
  /** Retries after the first attempt, for RETRYABLE_STATUSES, dropped connections and passed deadlines. Default 4. */
  readonly maxRetries?: number;
  /** First backoff step; doubles each retry (full jitter). Default 500. */
  readonly baseDelayInMs?: number;
  /** No single wait is longer: a Retry-After beyond it is not waited for (the send fails). Default 30000. */
  readonly maxDelayInMs?: number;
  /** The deadline of one attempt at a Bot Connector call. Default DEFAULT_REQUEST_TIMEOUT_IN_MS (60 s, the contract's). */
  readonly requestTimeoutInMs?: number;
  /** Called once when a conversation is found blocked (403 MessageWritesBlocked): record it. */
  readonly onBlocked?: (conversationId: string, code: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Thrown instead of sending to a conversation Teams has told us is closed to the bot. */
export class ConversationBlockedError extends Error {
  override readonly name = 'ConversationBlockedError';
  constructor(readonly conversationId: string, readonly code: string) {
    super(`conversation is blocked for the bot (${code}); not sent`);
  }
}

/** The conversation part Teams rate-limits on: a channel thread ("19:…;messageid=…") counts as its channel. */
export const conversationKey = (conversationId: string): string => conversationId.split(';')[0] ?? conversationId;

/**
 * A Bot Connector call that failed: Teams' answer (status ≥ 400, its error code, its Retry-After), or no answer (a
 * dropped connection, or REQUEST_TIMED_OUT when the attempt's deadline passed). Not a RestError, on purpose: the
 * connector client's own retry policy only retries RestErrors and answers, so it lets this through untouched.
 */
export class ConnectorCallError extends Error {
  override readonly name = 'ConnectorCallError';
  constructor(message: string, readonly statusCode: number | undefined, readonly code: string | undefined, readonly retryAfterInMs: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The `httpClient` botbuilder's ConnectorClientOptions take (core-http's RequestPolicy shape). */
export type ConnectorHttpClient = NonNullable<NonNullable<ConstructorParameters<typeof TeamsAdapter>[3]>['httpClient']>;
type WebResourceLike = Parameters<ConnectorHttpClient['sendRequest']>[0];

/** Teams' error code in a refusal body ({"error":{"code":…}}), if any. */
function connectorErrorCode(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The transport of every Bot Connector call (botbuilder 4.23's ConnectorClient takes no retry options, ignores
 * `noRetryPolicy`, and its factory replaces any `requestPolicyFactories`; `httpClient` is what it lets us give): one
 * attempt, under the same deadline policy as the Azure gateways. Every failure comes back as a ConnectorCallError,
 * which the client's built-in retry policy passes on untouched, so OutboundLimits is the one place that retries.
 */
export function connectorHttpClient(timeoutInMs: number = DEFAULT_REQUEST_TIMEOUT_IN_MS, inner: HttpClient = createDefaultHttpClient()): ConnectorHttpClient {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(deadlinePolicy(timeoutInMs));
  return {
    async sendRequest(webResource: WebResourceLike) {
      const url = new URL(webResource.url);
      const what = `Bot Connector ${webResource.method} ${url.origin}${url.pathname}`;
      const request = createPipelineRequest({
        url: webResource.url,
        method: webResource.method,
        headers: createHttpHeaders(webResource.headers.toJson({ preserveCase: true })),
        body: webResource.body,
        ...(webResource.abortSignal ? { abortSignal: webResource.abortSignal } : {}),
        ...(webResource.proxySettings ? { proxySettings: webResource.proxySettings } : {}),
        // As botbuilder's own client: a service URL over http (a local connector) is allowed; Teams' are https.
        allowInsecureConnection: url.protocol === 'http:',
      });
      if (webResource.agent) request.agent = webResource.agent;
      let response;
      try {
        response = await pipeline.sendRequest(inner, request);
      } catch (error: unknown) {
        if (!isRestError(error)) throw error; // the caller's own abort
        // A passed deadline names the request itself; a dropped connection does not.
        const message = error.code === REQUEST_TIMED_OUT ? `Bot Connector ${error.message}` : `${what}: ${error.message}`;
        throw new ConnectorCallError(message, undefined, error.code, undefined, { cause: error });
      }
      if (response.status >= 400) {
        const code = connectorErrorCode(response.bodyAsText ?? undefined);
        throw new ConnectorCallError(`${what} answered ${response.status}${code ? ` ${code}` : ''}`, response.status, code, retryAfterInMs(response.headers));
      }
      // The answer's headers in the request's own (core-http) headers class, emptied first: the shape the client reads.
      const headers = webResource.headers.clone();
      for (const name of headers.headerNames()) headers.remove(name);
      for (const [name, value] of response.headers) headers.set(name, value);
      return { status: response.status, headers, request: webResource, ...(response.bodyAsText === undefined ? {} : { bodyAsText: response.bodyAsText }) };
    },
  };
}

interface ErrorFacts {
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterInMs?: number;
}

/** Status, Teams' error code and Retry-After of a failed Bot Connector call (a ConnectorCallError). */
export function factsOf(error: unknown): ErrorFacts {
  if (!(error instanceof ConnectorCallError)) return {};
  return {
    ...(error.statusCode !== undefined ? { status: error.statusCode } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
    ...(error.retryAfterInMs !== undefined ? { retryAfterInMs: error.retryAfterInMs } : {}),
  };
}

/** Worth another attempt: Teams asked for one (429, 412, 502, 504), or the connection dropped or the deadline passed. */
function isRetryable(facts: ErrorFacts): boolean {
  return facts.status === undefined ? facts.code !== undefined && TRANSIENT_ERROR_CODES.has(facts.code) : RETRYABLE_STATUSES.has(facts.status);
}

/**
 * Paces and retries every outbound send of the bot: the one retry policy of Bot Connector calls (the transport,
 * connectorHttpClient, makes one attempt per call). One instance per process: the budget is per conversation across
 * turns and proactive sends alike. A send is attempted at most 1 + maxRetries times, each attempt within the deadline,
 * each wait at most maxDelayInMs (+ 250 ms): with the defaults, at most 5 × 60 s + 4 × 30.25 s ≈ 7 min, pacing aside.
 */
export class OutboundLimits {
  private readonly perSecond: number;
  private readonly maxRetries: number;
  private readonly baseDelayInMs: number;
  private readonly maxDelayInMs: number;
  /** The deadline of one attempt, for the transport (connectorHttpClient). */
  readonly requestTimeoutInMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Send times within the last second, per conversation. */
  private readonly recent = new Map<string, number[]>();
  /** Slot requests per conversation run one after another, so the window is never overrun by a burst. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly blocked = new Map<string, string>();

  constructor(private readonly options: OutboundLimitOptions = {}) {
    this.perSecond = options.sendsPerSecond ?? TEAMS_SENDS_PER_SECOND;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayInMs = options.baseDelayInMs ?? 500;
    this.maxDelayInMs = options.maxDelayInMs ?? 30_000;
    this.requestTimeoutInMs = options.requestTimeoutInMs ?? DEFAULT_REQUEST_TIMEOUT_IN_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  isBlocked(conversationId: string): boolean {
    return this.blocked.has(conversationKey(conversationId));
  }

  /** Someone wrote to the bot in this conversation again (e.g. unblocked it): sends are tried again. */
  unblock(conversationId: string): void {
    this.blocked.delete(conversationKey(conversationId));
  }

  /** Runs `send` within the conversation's budget; retries throttling, gateway errors and timeouts; stops at a block. */
  async run<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    const key = conversationKey(conversationId);
    for (let attempt = 0; ; attempt++) {
      const blockedCode = this.blocked.get(key);
      if (blockedCode !== undefined) throw new ConversationBlockedError(conversationId, blockedCode);
      await this.slot(key);
      try {
        return await send();
      } catch (error) {
        const facts = factsOf(error);
        if (facts.status === 403 && facts.code !== undefined && BLOCKED_CODES.has(facts.code)) {
          this.blocked.set(key, facts.code);
          this.options.onBlocked?.(conversationId, facts.code);
          throw new ConversationBlockedError(conversationId, facts.code);
        }
        if (!isRetryable(facts) || attempt >= this.maxRetries) throw error;
        const delay = this.delayFor(attempt, facts.retryAfterInMs);
        // Teams asks for a longer pause than a send may wait: it fails now, reported by its caller.
        if (delay === undefined) throw error;
        await this.sleep(delay);
      }
    }
  }

  /**
   * Retry-After is honoured (plus a little jitter so instances do not retry in step) when it is at most maxDelayInMs
   * (undefined beyond: not waited for); otherwise full-jitter backoff.
   */
  private delayFor(attempt: number, retryAfterInMs: number | undefined): number | undefined {
    if (retryAfterInMs !== undefined) return retryAfterInMs > this.maxDelayInMs ? undefined : retryAfterInMs + Math.floor(this.random() * 250);
    const ceiling = Math.min(this.maxDelayInMs, this.baseDelayInMs * 2 ** attempt);
    return Math.max(50, Math.floor(this.random() * ceiling));
  }

  private slot(key: string): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(() => this.take(key));
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  private async take(key: string): Promise<void> {
    for (;;) {
      const now = this.now();
      const times = (this.recent.get(key) ?? []).filter((at) => at > now - 1000);
      if (times.length < this.perSecond) {
        times.push(now);
        this.recent.set(key, times);
        if (this.recent.size > 10_000) for (const [other, at] of this.recent) if ((at.at(-1) ?? 0) <= now - 1000) this.recent.delete(other);
        return;
      }
      this.recent.set(key, times);
      await this.sleep(Math.max(1, (times[0] ?? now) + 1000 - now));
    }
  }
}

/**
 * A send Teams refused for a reason no retry changes: the chat is blocked, the bot is no longer in it (the person removed
 * the app: 403 BotNotInConversationRoster) or it is gone (404 ConversationNotFound). Trying the whole message again
 * would hold back the request's later messages for everyone else; the person gets the next ones if they come back.
 */
export function closedForGood(error: unknown): boolean {
  if (error instanceof ConversationBlockedError) return true;
  const { status, code } = factsOf(error);
  return (status === 403 && code === 'BotNotInConversationRoster') || (status === 404 && code === 'ConversationNotFound');
}
