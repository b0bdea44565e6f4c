/**
 * retry() against a real HTTP server on loopback (`@lifeline/testing`) through the real OpenAI
 * adapter. Time is a fake clock shared by retry and the mock server, so "the second request came
 * 2 s later" is asserted on the server's own record of arrival times, without waiting 2 s.
 */
import { openai } from '@lifeline/adapters';
import { BadRequestError, createClient, RateLimitError } from '@lifeline/core';
import { fakeClock, type MockProvider, type Script, startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sequence } from '../test/random.js';
import type { RetryAttemptRecord } from './events.js';
import { retry } from './retry.js';
import type { RetryOptions } from './options.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Say hi' }] };
const opened: Array<{ mock: MockProvider; close?: () => Promise<void> }> = [];

afterEach(async () => {
  for (const { mock, close } of opened.splice(0)) {
    await close?.();
    await mock.close();
  }
});

async function setup(script: Script, options: RetryOptions = {}) {
  const clock = fakeClock(0);
  const mock = await startMockProvider({ script, clock });
  const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
  opened.push({ mock, close: adapter.close?.bind(adapter) });
  const client = createClient({ adapter, clock, use: [retry({ budget: false, ...options })] });
  const arrivals = () => mock.requests.map((r) => r.time);
  const gaps = () => arrivals().slice(1).map((t, i) => t - arrivals()[i]!);
  return { clock, mock, client, gaps };
}

describe('retry over loopback HTTP', () => {
  it('429 with `retry-after: 2` → the second attempt arrives 2 s later, exactly as the server asked', async () => {
    const { clock, mock, client, gaps } = await setup([{ status: 429, retryAfter: 2 }, 'ok']);
    const { response, meta } = await clock.run(client.chat(req));
    expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
    expect(mock.requests).toHaveLength(2);
    expect(clock.delays).toEqual([2_000]);
    expect(gaps()).toEqual([2_000]);
    expect(meta.attempts).toBe(2);
    const second = meta.attemptLog[1] as RetryAttemptRecord;
    expect([meta.attemptLog[0]?.status, second.status, second.delayMs, second.delaySource]).toEqual([429, 200, 2_000, 'retry-after']);
  });

  it('persistent 429 without a header → bounded attempts with growing gaps, then the RateLimitError', async () => {
    // No retry-after header, and a body without OpenAI's "Please try again in 1s" (which the adapter reads as a hint).
    const noHint = { status: 429, error: { message: 'Rate limit reached for gpt-4.1 on requests per min (RPM).' } };
    const { clock, mock, client, gaps } = await setup(noHint, { maxAttempts: 4, random: sequence(0.999999) });
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect((error as RateLimitError).retryAfterMs).toBeUndefined();
    expect((error as RateLimitError).message).toContain('Rate limit reached for gpt-4.1 on requests per min (RPM).');
    expect(mock.requests).toHaveLength(4);
    expect(gaps()).toEqual([500, 1_000, 2_000]);
  });

  it('reads OpenAI’s "Please try again in 1s" as the hint when there is no header', async () => {
    const { clock, client, gaps } = await setup([{ status: 429 }, 'ok']);
    await clock.run(client.chat(req));
    expect(clock.delays).toEqual([1_000]);
    expect(gaps()).toEqual([1_000]);
  });

  it('500 once → the same provider answers on attempt 2', async () => {
    const { clock, mock, client } = await setup([{ status: 500 }, 'ok'], { random: sequence(0.5) });
    const { meta } = await clock.run(client.chat(req));
    expect(mock.requests).toHaveLength(2);
    expect(meta.provider).toBe('primary');
    expect(meta.attemptLog.map((a) => [a.target, a.status, a.outcome, a.errorCode, a.delayMs])).toEqual([
      ['primary', 500, 'error', 'server', undefined],
      ['primary', 200, 'ok', undefined, 250],
    ]);
  });

  it('400 → exactly one attempt', async () => {
    const { clock, mock, client } = await setup({ status: 400 });
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
    expect(mock.requests).toHaveLength(1);
    expect(clock.delays).toEqual([]);
  });

  it('a stream that fails before its first token is retried on the same provider', async () => {
    const { clock, mock, client } = await setup([{ status: 503 }, 'ok'], { random: sequence(0) });
    const stream = client.stream(req);
    let text = '';
    await clock.run(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('Hello from the mock provider.');
    expect(mock.requests.map((r) => r.stream)).toEqual([true, true]);
    expect((await stream.result).meta.attempts).toBe(2);
  });
});
