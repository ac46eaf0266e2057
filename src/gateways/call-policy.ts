// The one call policy of the Azure clients (ARM, Graph, Partner Center): a deadline on every attempt and one bounded retry, both in the SDK pipeline.
import {
  isRestError, RestError, retryPolicy, type HttpHeaders, type Pipeline, type PipelinePolicy, type PipelineRetryOptions, type RetryStrategy,
} from '@azure/core-rest-pipeline';

/** The contract's deadline: no attempt at a call to ARM, Graph or Partner Center waits longer than this for its whole answer. */
export const DEFAULT_REQUEST_TIMEOUT_IN_MS = 60_000;

/** The SDK's own defaults (DEFAULT_RETRY_POLICY_COUNT and exponentialRetryStrategy's steps), named so the bound can be said. */
export const DEFAULT_RETRY_OPTIONS: Required<PipelineRetryOptions> = { maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 64_000 };

/**
 * The longest Retry-After the pipeline waits out (as long as one attempt may take). A service that asks for more is
 * not waited for: the caller gets its 429/503 at once, Retry-After included, and decides (fail, or ask again later).
 */
export const MAX_RETRY_AFTER_IN_MS = 60_000;

/** The code of the RestError an attempt ends with when its deadline passes. */
export const REQUEST_TIMED_OUT = 'REQUEST_TIMED_OUT';

/** Connection failures worth another attempt: the SDK's own list (exponentialRetryStrategy's isSystemError), and a passed deadline. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([REQUEST_TIMED_OUT, 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND']);

/** The name core-rest-pipeline gives the retry policy every client pipeline starts with. */
const SDK_RETRY_POLICY_NAME = 'defaultRetryPolicy';
export const DEADLINE_POLICY_NAME = 'cspDeadlinePolicy';
export const RETRY_POLICY_NAME = 'cspRetryPolicy';

export interface CallPolicyOptions {
  /** Default DEFAULT_RETRY_OPTIONS (each gateway may name its own). */
  readonly retryOptions?: PipelineRetryOptions;
  /** Per attempt; default DEFAULT_REQUEST_TIMEOUT_IN_MS (tests shorten it). */
  readonly requestTimeoutInMs?: number;
}

/**
 * How long a throttled or unavailable service asks callers to wait: retry-after-ms / x-ms-retry-after-ms (ms), else
 * Retry-After in seconds or as an HTTP date (what the pipeline's own throttling retry reads); undefined when it says nothing.
 */
export function retryAfterInMs(headers: HttpHeaders, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers.get(name);
    if (value !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value));
  }
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * A deadline on one attempt (token already on the request, answer body included). When it passes, the request is
 * aborted and the attempt ends with a RestError coded REQUEST_TIMED_OUT, which the retry policy above retries like a
 * dropped connection. The caller's own abort signal still works, and is the one the retry policy sees afterwards.
 */
export function deadlinePolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: DEADLINE_POLICY_NAME,
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal;
      const controller = new AbortController();
      let timedOut = false;
      // setTimeout rather than AbortSignal.timeout: the tests' fake clock can move it.
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutInMs);
      const onCallerAbort = () => controller.abort();
      if (callerSignal?.aborted) controller.abort();
      callerSignal?.addEventListener('abort', onCallerAbort);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error: unknown) {
        if (!timedOut) throw error;
        const url = new URL(request.url);
        throw new RestError(`${request.method} ${url.origin}${url.pathname} timed out: no answer within ${timeoutInMs} ms`, { code: REQUEST_TIMED_OUT, request });
      } finally {
        clearTimeout(timer);
        callerSignal?.removeEventListener('abort', onCallerAbort);
        request.abortSignal = callerSignal;
      }
    },
  };
}

/** The SDK's exponential step: min(max, base·2^n), of which a random half is jitter. */
function backoffInMs(retryCount: number, retry: Required<PipelineRetryOptions>): number {
  const ceiling = Math.min(retry.maxRetryDelayInMs, retry.retryDelayInMs * 2 ** retryCount);
  return ceiling / 2 + Math.floor(Math.random() * (ceiling / 2));
}

/** A 429 or 503 that says when to come back. */
function askedWait(response: { readonly status: number; readonly headers: HttpHeaders } | undefined): number | undefined {
  return response && (response.status === 429 || response.status === 503) ? retryAfterInMs(response.headers) : undefined;
}

/**
 * The retry policy: at most `maxRetries` retries of one call. A 429/503 with Retry-After is retried after that wait
 * when it is at most MAX_RETRY_AFTER_IN_MS; a longer one comes back to the caller at once, with its Retry-After, rather
 * than holding the call. 5xx (not 501/505), 408, dropped connections and passed deadlines are retried with exponential
 * backoff. Everything else (a 429 that names no wait included) is the caller's answer.
 */
export function boundedRetryPolicy(options: PipelineRetryOptions = {}): PipelinePolicy {
  const retry: Required<PipelineRetryOptions> = { ...DEFAULT_RETRY_OPTIONS, ...withoutUndefined(options) };
  const throttling: RetryStrategy = {
    name: 'cspThrottlingRetryStrategy',
    retry({ response }) {
      const wait = askedWait(response);
      return wait !== undefined && wait <= MAX_RETRY_AFTER_IN_MS ? { retryAfterInMs: wait } : { skipStrategy: true };
    },
  };
  const backoff: RetryStrategy = {
    name: 'cspBackoffRetryStrategy',
    retry({ retryCount, response, responseError }) {
      // A service that named its wait was answered by the throttling strategy (or asked too long a wait for here).
      if (askedWait(response) !== undefined) return { skipStrategy: true };
      const transient = response
        ? response.status === 408 || (response.status >= 500 && response.status !== 501 && response.status !== 505)
        : isRestError(responseError) && TRANSIENT_ERROR_CODES.has(responseError.code ?? '');
      return transient ? { retryAfterInMs: backoffInMs(retryCount, retry) } : { skipStrategy: true };
    },
  };
  return { ...retryPolicy([throttling, backoff], { maxRetries: retry.maxRetries }), name: RETRY_POLICY_NAME };
}

function withoutUndefined(options: PipelineRetryOptions): PipelineRetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * Puts the call policy on a client's pipeline: the SDK's default retry policy is replaced by boundedRetryPolicy (one
 * retry layer, never two), and deadlinePolicy goes after signing, so each attempt has its own deadline.
 */
export function applyCallPolicy(pipeline: Pipeline, options: CallPolicyOptions = {}): void {
  const removed = pipeline.removePolicy({ name: SDK_RETRY_POLICY_NAME });
  // A pipeline built some other way would keep a second retry layer and multiply the attempts: refuse it loudly.
  if (removed.length !== 1) throw new Error(`expected the SDK's ${SDK_RETRY_POLICY_NAME} on the pipeline, found ${removed.length}`);
  pipeline.addPolicy(boundedRetryPolicy(options.retryOptions), { phase: 'Retry' });
  pipeline.addPolicy(deadlinePolicy(options.requestTimeoutInMs ?? DEFAULT_REQUEST_TIMEOUT_IN_MS), { afterPhase: 'Sign' });
}

/**
 * The longest one gateway call can take, token aside: every attempt runs to its deadline, and every wait between them
 * is the longest there can be (a backoff step or a Retry-After). With the defaults, 4 × 60 s + 3 × 64 s = 432 s; with
 * ARM's options (6 retries, 30 s steps), 7 × 60 s + 6 × 60 s = 780 s.
 */
export function worstCaseCallInMs(options: CallPolicyOptions = {}): number {
  const retry: Required<PipelineRetryOptions> = { ...DEFAULT_RETRY_OPTIONS, ...withoutUndefined(options.retryOptions ?? {}) };
  const longestWait = Math.max(retry.maxRetryDelayInMs, MAX_RETRY_AFTER_IN_MS);
  return (retry.maxRetries + 1) * (options.requestTimeoutInMs ?? DEFAULT_REQUEST_TIMEOUT_IN_MS) + retry.maxRetries * longestWait;
}
