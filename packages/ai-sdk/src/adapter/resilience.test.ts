/**
 * aiSdkAdapter inside Lifeline's pipeline, against the mock over HTTP: a 429's retry-after is
 * honoured exactly (virtual clock), a 503 fails over, a cut stream raises StreamInterruptedError,
 * and cost is computed from the AI SDK's usage.
 */
import { anthropic as nativeAnthropic, openai as nativeOpenai } from '@lifeline/adapters';
import { createClient, RateLimitError, StreamInterruptedError, type Adapter, type ChatRequest } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { createCatalog, meter } from '@lifeline/pricing';
import { retry } from '@lifeline/retry';
import { fakeClock } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { aiSdkAnthropic, aiSdkCompatible, closeAfterEach, mock, relay } from '../../test/mocks.js';
import { aiSdkAdapter } from './adapter.js';

closeAfterEach();

const T0 = 1_750_000_000_000;
const ask = (model: string): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64 });

describe('aiSdkAdapter — rate limits, retry and failover', () => {
  it('openai-compatible: a 429 with retry-after: 3 → retry() waits exactly 3000 ms, then succeeds', async () => {
    const clock = fakeClock(T0);
    const server = await mock({ clock, script: [{ status: 429, retryAfter: 3 }, 'ok'] });
    const client = createClient({ clock, adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')), use: [retry({ maxAttempts: 2, random: () => 0.5 })] });
    const { meta } = await clock.run(client.chat(ask('gpt-4.1')));

    expect(clock.delays).toContain(3_000);
    expect(meta.attemptLog.map((a) => [a.outcome, a.errorCode, a.delayMs])).toEqual([
      ['error', 'rate_limit', undefined],
      ['ok', undefined, 3_000],
    ]);
    expect(server.requests.map((r) => r.time - T0)).toEqual([0, 3_000]);
  });

  it('anthropic: a 429 with retry-after-ms: 1500 → retry() waits exactly 1500 ms', async () => {
    const clock = fakeClock(T0);
    const server = await mock({ flavor: 'anthropic', clock, script: [{ preset: 'rate_limit', retryAfterMs: 1_500 }, 'ok'] });
    const client = createClient({ clock, adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5')), use: [retry({ maxAttempts: 2, random: () => 0.5 })] });
    const { meta } = await clock.run(client.chat(ask('claude-sonnet-4-5')));

    expect(meta.attemptLog.map((a) => a.delayMs)).toEqual([undefined, 1_500]);
    expect(server.requests.map((r) => r.time - T0)).toEqual([0, 1_500]);
  });

  it('the 429 becomes a RateLimitError carrying retryAfterMs, status, provider code and request id', async () => {
    const server = await mock({ flavor: 'anthropic', script: { preset: 'rate_limit', requestId: 'req_42' } });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5'), { name: 'claude' }) });
    const error = await client.chat(ask('claude-sonnet-4-5')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ provider: 'claude', status: 429, retryable: true, retryAfterMs: 1_000, providerCode: 'rate_limit_error', requestId: 'req_42' });
    expect((error as Error).message).toMatch(/^claude \(ai-sdk anthropic\.messages\): 429 rate_limit_error — .+ \(retry after 1000 ms\)$/);
    expect(server.requests).toHaveLength(1);
  });

  it('a 503 fails over to the next target; the AI SDK model sent exactly one request', async () => {
    const primary = await mock({ script: { status: 503 } });
    const backup = await mock({ text: 'Native backup.' });
    const client = createClient({ use: [failover([aiSdkAdapter(aiSdkCompatible(primary)('gpt-4.1'), { name: 'primary' }), relay('backup', backup)])] });
    const { response, meta } = await client.chat(ask('gpt-4.1'));

    expect(response.choices[0]?.message.content).toBe('Native backup.');
    expect(meta).toMatchObject({ provider: 'backup', attempts: 2, failovers: 1 });
    expect(meta.attemptLog[0]).toMatchObject({ target: 'primary', outcome: 'error', errorCode: 'server', status: 503 });
    expect(primary.requests).toHaveLength(1);
  });
});

describe('aiSdkAdapter — cut streams', () => {
  it('openai-compatible: a stream cut after 2 chunks raises StreamInterruptedError', async () => {
    const server = await mock({ text: 'One two three four', script: [{ stream: { cutAfter: 2 } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')) });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of client.stream(ask('gpt-4.1'))) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);

    expect(seen.join('')).toBe('One two');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'relay', retryable: true, contentDelivered: true });
    expect((error as Error).message).toMatch(/^relay \(ai-sdk relay\.chat\): stream cut — connection failed — /);
  });

  it('anthropic: a stream cut after 1 chunk raises StreamInterruptedError', async () => {
    const server = await mock({ flavor: 'anthropic', text: 'One two three', script: [{ stream: { cutAfter: 1 } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5')) });
    const error = await (async () => {
      for await (const _ of client.stream(ask('claude-sonnet-4-5'))) void _;
    })().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ provider: 'anthropic', contentDelivered: true });
    expect((error as Error).message).toMatch(/^anthropic \(ai-sdk anthropic\.messages\): stream cut — connection failed — /);
  });

  it("a cut stream before content is retried like any native adapter's", async () => {
    const server = await mock({ text: 'Second try works', script: [{ stream: { cutAfter: 0 } }, 'ok'] });
    const clock = fakeClock(T0);
    const client = createClient({ clock, adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')), use: [retry({ maxAttempts: 2, random: () => 0.5 })] });
    const stream = client.stream(ask('gpt-4.1'));
    const text = await clock.run(
      (async () => {
        let out = '';
        for await (const chunk of stream) out += chunk.choices[0]?.delta.content ?? '';
        return out;
      })(),
    );
    expect(text).toBe('Second try works');
    expect(server.requests).toHaveLength(2);
  });
});

describe('aiSdkAdapter — cost', () => {
  const usage = { promptTokens: 1_000, completionTokens: 200, cachedTokens: 400, cacheWriteTokens: 0 };

  async function cost(adapter: Adapter, model: string, streaming: boolean): Promise<number | undefined> {
    const client = createClient({ adapter, use: [meter()] });
    if (!streaming) return (await client.chat(ask(model))).meta.costUsd;
    const stream = client.stream(ask(model));
    for await (const _ of stream) void _;
    return (await stream.result).meta.costUsd;
  }

  it('prices the AI SDK usage exactly as the native adapter for the same answer (OpenAI-compatible, JSON and stream)', async () => {
    const server = await mock({ script: () => ({ reply: { usage } }) });
    const viaAiSdk = aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1'));
    const native = nativeOpenai({ baseURL: server.url, apiKey: 'test-key' });
    const expected = await cost(native, 'gpt-4.1', false);
    await native.close?.();

    expect(expected).toBeGreaterThan(0);
    expect(await cost(viaAiSdk, 'gpt-4.1', false)).toBe(expected);
    expect(await cost(viaAiSdk, 'gpt-4.1', true)).toBe(expected);
  });

  it('prices cache reads and writes of Anthropic usage like the native adapter', async () => {
    const server = await mock({ flavor: 'anthropic', script: () => ({ reply: { usage: { ...usage, cacheWriteTokens: 100 } } }) });
    const native = nativeAnthropic({ baseURL: server.url, apiKey: 'test-key' });
    const expected = await cost(native, 'claude-sonnet-4-5', false);
    await native.close?.();

    expect(expected).toBeGreaterThan(0);
    expect(await cost(aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5')), 'claude-sonnet-4-5', true)).toBe(expected);
  });

  it("prices with the target's own catalog: 1000 in (400 cached) + 200 out", async () => {
    const server = await mock({ script: () => ({ reply: { usage } }) });
    const prices = createCatalog({ name: 'relay', source: 'test', effectiveDate: '2026-01-01', models: { 'gpt-4.1': { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 } } });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1'), { name: 'relay' }), use: [meter({ catalogs: { relay: prices } })] });
    const { meta } = await client.chat(ask('gpt-4.1'));
    // 600 × $2 + 400 × $0.5 + 200 × $8, per million tokens
    expect(meta.costUsd).toBeCloseTo((600 * 2 + 400 * 0.5 + 200 * 8) / 1e6, 12);
  });
});

describe('aiSdkAdapter — response head', () => {
  it("reports the provider's request id and rate-limit headers (meta.requestId, meta.rateLimit)", async () => {
    const clock = fakeClock(T0);
    const server = await mock({ clock, rateLimit: { limitRequests: 60, remainingRequests: 59, resetRequestsMs: 1_000 } });
    const client = createClient({ clock, adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1'), { clock }) });
    const { meta } = await clock.run(client.chat(ask('gpt-4.1')));
    expect(meta.requestId).toBe('req_mock1');
    expect(meta.rateLimit).toEqual({ limitRequests: 60, remainingRequests: 59, resetRequestsAt: T0 + 1_000 });
  });
});
