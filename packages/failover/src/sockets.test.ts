/**
 * failover() over real sockets: `@lifeline/testing` mock providers on loopback, `@lifeline/adapters`
 * talking HTTP to them, `retry()`, `circuitBreaker()` and `timeout()` below failover. Time is a
 * virtual clock shared by the client, the middleware and the mocks' time windows.
 */
import { ContentFilterError, createClient, timeout } from '@lifeline/core';
import { openai } from '@lifeline/adapters';
import { RetryBudget, retry } from '@lifeline/retry';
import { describe, expect, it } from 'vitest';
import { drain, request } from '../test/fake-adapter.js';
import { anthropicProvider, closeAfterEach, provider, track, until } from '../test/sockets.js';
import { fakeClock } from '@lifeline/testing';
import { failover } from './failover.js';

const T0 = 1_750_000_000_000;
closeAfterEach();

describe('failover() over real sockets — rate limits and errors', () => {
  it('429 with Retry-After: 2 → waits exactly 2 s, then the same provider answers', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: [{ status: 429, retryAfter: 2 }] });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, maxRetryAfterMs: 5_000 })] });
    const p = client.chat(request());
    await until(() => clock.pending() === 1);
    expect(clock.delays).toEqual([2_000]);
    await clock.advanceAsync(1_999);
    expect(primary.mock.requests).toHaveLength(1);
    await clock.advanceAsync(1);
    const { meta } = await p;
    expect(primary.mock.requests.map((r) => r.time - T0)).toEqual([0, 2_000]);
    expect(backup.mock.requests).toHaveLength(0);
    expect(meta).toMatchObject({ provider: 'primary', failovers: 0, attempts: 2 });
    expect(meta.attemptLog.map((a) => [a.status, a.delayMs])).toEqual([[429, undefined], [200, 2_000]]);
  });

  it('429 whose Retry-After exceeds the retry cap → fails over at once, without sleeping', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: { status: 429, retryAfter: 2 } });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxRetryAfterMs: 1_000 })] });
    const { meta } = await client.chat(request());
    expect([primary.mock.requests.length, backup.mock.requests.length]).toEqual([1, 1]);
    expect(clock.delays).toEqual([]);
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1, latencyMs: 0 });
  });

  it('persistent 429 → bounded attempts spaced by Retry-After (never hammers), then the backup answers', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: { status: 429, retryAfterMs: 300 } });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3 })] });
    const { meta } = await clock.run(client.chat(request()));
    expect(primary.mock.requests.map((r) => r.time - T0)).toEqual([0, 300, 600]);
    expect(backup.mock.requests).toHaveLength(1);
    expect(meta).toMatchObject({ provider: 'backup', attempts: 4, failovers: 1 });
  });

  it('500 once → the same provider is retried, the backup is not needed', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: [{ status: 500 }] });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, random: () => 0.5 })] });
    const { meta } = await clock.run(client.chat(request()));
    expect(meta.attemptLog.map((a) => [a.target, a.status])).toEqual([['primary', 500], ['primary', 200]]);
    expect(backup.mock.requests).toHaveLength(0);
    expect(meta).toMatchObject({ provider: 'primary', failovers: 0 });
  });

  it('503 persistent → the backup answers every call, and retries on the primary stay within the retry budget', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: { status: 503 } });
    const backup = await provider('backup', { clock });
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, random: () => 0.5, budget })] });
    for (let i = 0; i < 10; i++) expect((await clock.run(client.chat(request()))).meta.provider).toBe('backup');
    expect(backup.mock.requests).toHaveLength(10);
    // 10 first attempts + 20 % of them as retries = 12 (without the budget: 30 requests).
    expect(primary.mock.requests.length).toBe(12);
  });

  it('a connection reset before the headers → answered (retried on the same provider)', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: [{ reset: true }] });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ random: () => 0.5 })] });
    const { response, meta } = await clock.run(client.chat(request()));
    expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
    expect(meta.attemptLog.map((a) => [a.target, a.errorCode])).toEqual([['primary', 'connection'], ['primary', undefined]]);
  });

  it('a provider that never answers → failover after one per-attempt timeout (default retry leaves it to the backup)', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: { hang: true } });
    const backup = await provider('backup', { clock });
    const client = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, random: () => 0.5 }), timeout({ ms: 5_000 })] });
    const p = client.chat(request());
    await until(() => primary.mock.requests.length === 1);
    await clock.advanceAsync(5_000);
    await until(() => backup.mock.requests.length === 1);
    const { meta } = await p;
    expect(primary.mock.requests).toHaveLength(1);
    expect(meta).toMatchObject({ provider: 'backup', latencyMs: 5_000, failovers: 1 });
    expect(meta.attemptLog.map((a) => [a.target, a.errorCode])).toEqual([['primary', 'timeout'], ['backup', undefined]]);
    expect(clock.delays).toEqual([5_000, 5_000]);
    expect(clock.pending()).toBe(0);
  });

  it('a sole target that timed out is still retried: there is no backup to leave it to', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: [{ hang: true }] });
    const client = createClient({ clock, use: [failover([primary.adapter]), retry({ maxAttempts: 3, random: () => 0.5 }), timeout({ ms: 5_000 })] });
    const p = client.chat(request());
    await until(() => primary.mock.requests.length === 1);
    await clock.advanceAsync(5_000);
    await until(() => clock.pending() === 1);
    await clock.advanceToNextAsync();
    const { meta } = await p;
    expect(primary.mock.requests.map((r) => r.time - T0)).toEqual([0, 5_250]);
    expect(meta.attemptLog.map((a) => [a.target, a.errorCode, a.delayMs])).toEqual([['primary', 'timeout', undefined], ['primary', undefined, 250]]);
    expect(meta).toMatchObject({ provider: 'primary', failovers: 0, latencyMs: 5_250 });
  });

  it('context length → the next bigger target, never the same model again', async () => {
    const clock = fakeClock(T0);
    const relay = await provider('relay', { clock, routes: { 'gpt-4.1-mini': { preset: 'context_length_exceeded' } } });
    const eu = openai({ baseURL: relay.mock.url, apiKey: 'test-key', name: 'relay-eu' });
    track(eu);
    const client = createClient({
      clock,
      use: [
        failover([
          { adapter: relay.adapter, model: 'gpt-4.1-mini', maxContextTokens: 128_000 },
          { adapter: eu, model: 'gpt-4.1-mini', maxContextTokens: 1_000_000 },
          { adapter: relay.adapter, model: 'gpt-4.1', maxContextTokens: 1_047_576 },
        ]),
        retry(),
      ],
    });
    const { meta } = await client.chat(request('gpt-4.1-mini'));
    expect(relay.mock.requests.map((r) => r.model)).toEqual(['gpt-4.1-mini', 'gpt-4.1']);
    expect(meta).toMatchObject({ provider: 'relay:gpt-4.1', model: 'gpt-4.1', failovers: 1 });
  });

  it('content filter → one attempt, the provider’s reason propagated', async () => {
    const primary = await provider('primary', { script: { preset: 'content_policy' } });
    const backup = await provider('backup');
    const client = createClient({ use: [failover([primary.adapter, backup.adapter]), retry()] });
    const err = (await client.chat(request()).catch((e: unknown) => e)) as ContentFilterError;
    expect(err).toBeInstanceOf(ContentFilterError);
    expect(err.message).toMatch(/^openai primary: 400 invalid_prompt — Invalid prompt: your prompt was flagged as potentially violating our usage policy/);
    expect([err.provider, err.status]).toEqual(['primary', 400]);
    expect([primary.mock.requests.length, backup.mock.requests.length]).toEqual([1, 0]);
  });

  it('failover accounting → the response names the fallback’s model and carries its usage', async () => {
    const primary = await provider('primary', { script: { status: 503 } });
    const backup = await anthropicProvider('backup', { script: { reply: { usage: { promptTokens: 42, completionTokens: 7 } } } });
    const client = createClient({ use: [failover([primary.adapter, { adapter: backup.adapter, model: 'claude-sonnet-4.5' }]), retry({ maxAttempts: 1 })] });
    const { response, meta } = await client.chat(request('gpt-4.1'));
    expect(response.model).toBe('claude-sonnet-4.5');
    expect(response.usage).toMatchObject({ prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 });
    expect(meta).toMatchObject({ provider: 'backup:claude-sonnet-4.5', model: 'claude-sonnet-4.5', usage: { total_tokens: 49 }, failovers: 1 });
    expect(meta.attemptLog.map((a) => [a.target, a.status, a.usage?.total_tokens])).toEqual([['primary', 503, undefined], ['backup:claude-sonnet-4.5', 200, 49]]);
    expect(backup.mock.requests[0]).toMatchObject({ path: '/v1/messages', model: 'claude-sonnet-4.5' });
    const s = client.stream(request('gpt-4.1'));
    await drain(s);
    const streamed = await s.result;
    expect(streamed.meta).toMatchObject({ provider: 'backup:claude-sonnet-4.5', model: 'claude-sonnet-4.5', usage: { total_tokens: 49 } });
    expect(streamed.response.usage).toMatchObject({ total_tokens: 49 });
  });
});
