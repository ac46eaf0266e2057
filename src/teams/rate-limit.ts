// Per-user message rate limit: a sliding window in memory (per bot instance), refusals answered politely.

export interface RateLimitOptions {
  readonly limit: number;
  readonly windowInMs: number;
  readonly now?: () => number;
  /** Above this many tracked users, idle ones are forgotten. Default 10000. */
  readonly maxTrackedKeys?: number;
}

export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Counts one hit for `key` and says whether it is within the limit. Refused hits do not count. */
  take(key: string): boolean {
    const now = this.now();
    const since = now - this.options.windowInMs;
    const recent = (this.hits.get(key) ?? []).filter((at) => at > since);
    if (recent.length >= this.options.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > (this.options.maxTrackedKeys ?? 10_000)) this.forgetIdle(since);
    return true;
  }

  private forgetIdle(since: number): void {
    for (const [key, times] of this.hits) if ((times.at(-1) ?? 0) <= since) this.hits.delete(key);
  }
}
