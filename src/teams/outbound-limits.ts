// Outbound limits for Teams: at most N sends per second per conversation, retries with backoff, blocked chats left alone.

/** Teams' documented per-conversation budget for one bot is 7 messages a second (plus longer windows). */
export const TEAMS_SENDS_PER_SECOND = 7;
/** What Teams answers when it wants the bot to slow down or try again. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 412, 502, 504]);
/** 403 codes that mean "this conversation takes no more messages from the bot" (user blocked it, writes disabled). */
export const BLOCKED_CODES: ReadonlySet<string> = new Set(['MessageWritesBlocked', 'ConversationBlockedByUser']);

export interface OutboundLimitOptions {
  readonly sendsPerSecond?: number;
  /** Retries after the first attempt, for RETRYABLE_STATUSES. Default 4. */
  readonly maxRetries?: number;
  /** First backoff step; doubles each retry (full jitter). Default 500. */
  readonly baseDelayInMs?: number;
  /** No single wait is longer, Retry-After included. Default 30000. */
  readonly maxDelayInMs?: number;
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

interface ErrorFacts {
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterInMs?: number;
}

/** Status, service error code and Retry-After of a failed Bot Connector call (a core-rest-pipeline RestError). */
export function factsOf(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { statusCode?: unknown; code?: unknown; response?: { status?: unknown; headers?: { get?: (name: string) => string | undefined }; bodyAsText?: unknown } };
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.response?.status === 'number' ? e.response.status : undefined;
  let code = typeof e.code === 'string' ? e.code : undefined;
  if (typeof e.response?.bodyAsText === 'string') {
    try {
      const body = JSON.parse(e.response.bodyAsText) as { error?: { code?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
    } catch {
      // not JSON: keep what the error said
    }
  }
  const header = typeof e.response?.headers?.get === 'function' ? e.response.headers.get('retry-after') : undefined;
  return { ...(status !== undefined ? { status } : {}), ...(code !== undefined ? { code } : {}), ...(header ? retryAfter(header) : {}) };
}

/** Retry-After as seconds or an HTTP date. */
function retryAfter(value: string): { retryAfterInMs?: number } {
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterInMs: seconds * 1000 };
  const date = Date.parse(value);
  return Number.isFinite(date) ? { retryAfterInMs: Math.max(0, date - Date.now()) } : {};
}

/**
 * Paces and retries every outbound send of the bot. One instance per process: the budget is per conversation
 * across turns and proactive sends alike.
 */
export class OutboundLimits {
  private readonly perSecond: number;
  private readonly maxRetries: number;
  private readonly baseDelayInMs: number;
  private readonly maxDelayInMs: number;
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

  /** Runs `send` within the conversation's budget; retries throttling and gateway errors; stops at a block. */
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
        if (facts.status === undefined || !RETRYABLE_STATUSES.has(facts.status) || attempt >= this.maxRetries) throw error;
        await this.sleep(this.delayFor(attempt, facts.retryAfterInMs));
      }
    }
  }

  /** Retry-After is honoured (plus a little jitter so instances do not retry in step); otherwise full-jitter backoff. */
  private delayFor(attempt: number, retryAfterInMs: number | undefined): number {
    if (retryAfterInMs !== undefined) return Math.min(this.maxDelayInMs, retryAfterInMs + Math.floor(this.random() * 250));
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
