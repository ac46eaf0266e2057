// The call policy on a bare pipeline (a counting HTTP client, no network): how many attempts each answer gets, and the bound.
import { createEmptyPipeline, createHttpHeaders, createPipelineFromOptions, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import { applyCallPolicy, worstCaseCallInMs } from '../../src/gateways/call-policy';
import { DEFAULT_ARM_RETRY_OPTIONS } from '../../src/gateways/arm-rbac-gateway';

/** An HTTP client that answers every request with `status` and `headers`, and counts what it was sent. */
function answering(status: number, headers: Record<string, string> = {}): HttpClient & { sent: number } {
  const client = {
    sent: 0,
    async sendRequest(request: Parameters<HttpClient['sendRequest']>[0]) {
      client.sent += 1;
      return { request, status, headers: createHttpHeaders(headers), bodyAsText: '' };
    },
  };
  return client;
}

const RETRY = { maxRetries: 4, retryDelayInMs: 1, maxRetryDelayInMs: 5 };

async function attemptsFor(status: number, headers: Record<string, string> = {}): Promise<number> {
  const pipeline = createPipelineFromOptions({});
  applyCallPolicy(pipeline, { retryOptions: RETRY, requestTimeoutInMs: 1000 });
  const client = answering(status, headers);
  await pipeline.sendRequest(client, createPipelineRequest({ url: 'https://management.azure.com/x', method: 'GET' })).catch(() => undefined);
  return client.sent;
}

describe('the call policy', () => {
  test.each<{ answer: number; headers: Record<string, string>; attempts: number; why: string }>([
    { answer: 503, headers: {}, attempts: 5, why: 'an outage: 1 + maxRetries, once each (the SDK retry is replaced, not stacked)' },
    { answer: 502, headers: {}, attempts: 5, why: 'a bad gateway: the same' },
    { answer: 429, headers: { 'Retry-After': '0' }, attempts: 5, why: 'throttled with a short wait: the same' },
    { answer: 429, headers: { 'Retry-After': '120' }, attempts: 1, why: 'a wait longer than one attempt may take: the caller hears it at once' },
    { answer: 429, headers: {}, attempts: 1, why: 'throttled without a wait: the caller decides' },
    { answer: 404, headers: {}, attempts: 1, why: 'an answer, not a failure' },
    { answer: 501, headers: {}, attempts: 1, why: 'not implemented will not change' },
  ])('when the service answers $answer $headers, then it is sent $attempts time(s): $why', async ({ answer, headers, attempts }) => {
    expect(await attemptsFor(answer, headers)).toBe(attempts);
  });

  test('when a pipeline has no SDK retry policy to replace, then the call policy refuses it rather than add a second layer', () => {
    expect(() => applyCallPolicy(createEmptyPipeline())).toThrow(/defaultRetryPolicy/);
  });

  test('the longest a call can take: 13 min for ARM (7 × 60 s + 6 × 60 s), 432 s with the SDK defaults (4 × 60 s + 3 × 64 s)', () => {
    expect(worstCaseCallInMs({ retryOptions: DEFAULT_ARM_RETRY_OPTIONS })).toBe(780_000);
    expect(worstCaseCallInMs()).toBe(432_000);
  });
});
