import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, RateLimitError, createClient, type ChatRequest } from '@lifeline/core';
import { fakeClock, startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { openai, type OpenAIAdapter } from '../openai/index.js';
import type { KeyEvent } from './events.js';
import { keyFingerprint } from './fingerprint.js';
import type { KeyPoolOptions } from './options.js';

const KEYS = ['sk-pool-key-one-0123456789AAAA', 'sk-pool-key-two-0123456789BBBB', 'sk-pool-key-three-012345678CCCC'] as const;
const [FP1, FP2, FP3] = KEYS.map(keyFingerprint) as [string, string, string];
const REQ: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hello' }] };

let mock: MockProvider | undefined;
let adapter: OpenAIAdapter | undefined;
const events: KeyEvent[] = [];
const onKey = (e: unknown) => events.push(e as KeyEvent);

afterEach(async () => {
  unsubscribe('lifeline:key', onKey);
  events.length = 0;
  await adapter?.close();
  await mock?.close();
  adapter = mock = undefined;
});

async function setup(mockOptions: MockProviderOptions, keyPool: KeyPoolOptions = {}) {
  subscribe('lifeline:key', onKey);
  const clock = fakeClock(Date.now());
  mock = await startMockProvider({ apiKey: [...KEYS], ...mockOptions });
  adapter = openai({ name: 'primary', baseURL: mock.url, apiKey: [...KEYS], keyPool: { clock, ...keyPool } });
  const client = createClient({ adapter, clock });
  const keyOf = () => mock!.requests.map((r) => r.keyIndex);
  return { mock, adapter, client, clock, keyOf };
}

describe('key pool rotation over real HTTP', () => {
  it('a 429 on key 1 is re-sent at once with key 2; the next 20 calls go to keys 2 and 3 without delay; key 1 is back after its Retry-After', async () => {
    const { client, clock, keyOf } = await setup({ keys: { [KEYS[0]]: [{ preset: 'rate_limit', retryAfter: 30 }] } });
    const first = await client.chat(REQ);
    expect(first.meta.attempts).toBe(1);
    expect(first.meta.attemptLog[0]).toMatchObject({ target: 'primary', outcome: 'ok', status: 200, key: FP2, keysTried: [{ key: FP1, status: 429 }] });
    expect(events).toMatchObject([{ state: 'cooling', provider: 'primary', pool: 'primary', key: FP1, reason: 'rate_limit', status: 429, durationMs: 30_000 }]);

    const metas = [];
    for (let i = 0; i < 20; i++) metas.push((await client.chat(REQ)).meta);
    expect(metas.every((m) => m.attempts === 1 && m.attemptLog[0]!.keysTried === undefined)).toBe(true);
    const later = keyOf().slice(2);
    expect(later).toHaveLength(20);
    expect(later.filter((k) => k === 1)).toHaveLength(10);
    expect(later.filter((k) => k === 2)).toHaveLength(10);
    expect(clock.delays).toEqual([]); // nothing waited: no backoff, no Retry-After sleep
    expect((await adapter!.keyPool!.snapshot()).keys.map((k) => [k.key, k.state, k.retryAfterMs])).toEqual([
      [FP1, 'cooling', 30_000],
      [FP2, 'healthy', undefined],
      [FP3, 'healthy', undefined],
    ]);

    clock.advance(29_999);
    await client.chat(REQ);
    await client.chat(REQ);
    expect(keyOf().slice(-2)).not.toContain(0);
    clock.advance(1);
    const back = [];
    for (let i = 0; i < 3; i++) back.push((await client.chat(REQ)).meta.attemptLog[0]!.key);
    expect(back).toContain(FP1);
    expect(keyOf().slice(-3)).toContain(0);
  });

  it('every key 429 → RateLimitError with the shortest Retry-After; later calls fail at once without a request until a key is back', async () => {
    const { client, clock, keyOf } = await setup({
      keys: { [KEYS[0]]: { preset: 'rate_limit', retryAfter: 30 }, [KEYS[1]]: [{ preset: 'rate_limit', retryAfter: 10 }], [KEYS[2]]: { preset: 'rate_limit', retryAfter: 20 } },
    });
    const error = await client.chat(REQ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      message: 'openai primary: all 3 API keys are set aside (3 cooling down after 429); the first is back in 10000 ms',
      provider: 'primary', status: 429, retryable: true, retryAfterMs: 10_000,
    });
    expect((error as RateLimitError).cause).toBeInstanceOf(RateLimitError);
    expect(keyOf()).toEqual([0, 1, 2]);

    clock.advance(4_000);
    await expect(client.chat(REQ)).rejects.toMatchObject({ retryAfterMs: 6_000 });
    expect(mock!.requests).toHaveLength(3); // no key was ready: nothing was sent

    clock.advance(6_000);
    const { meta } = await client.chat(REQ);
    expect(meta.attemptLog[0]!.key).toBe(FP2);
    expect(keyOf()).toEqual([0, 1, 2, 1]);
  });

  it('a revoked key (401) is quarantined on its first 401, never retried in the same call, and reported by fingerprint', async () => {
    const { client, keyOf } = await setup({ apiKey: [KEYS[0], KEYS[2]], keys: { [KEYS[0]]: { preset: 'rate_limit', retryAfter: 5 }, [KEYS[2]]: { preset: 'rate_limit', retryAfter: 7 } } });
    // Key 1 and 3 are rate-limited, key 2 is revoked: one request each, then the caller hears of it.
    const error = await client.chat(REQ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toBe('openai primary: all 3 API keys are set aside (2 cooling down after 429, 1 quarantined); the first is back in 5000 ms');
    expect(keyOf()).toEqual([0, undefined, 1]); // the mock accepts keys 1 and 3 (its indices 0 and 1) only
    expect(events.map((e) => [e.key, e.state, e.reason, e.status])).toEqual([
      [FP1, 'cooling', 'rate_limit', 429],
      [FP2, 'quarantined', 'auth', 401],
      [FP3, 'cooling', 'rate_limit', 429],
    ]);
    expect(events[1]!.error).toBeInstanceOf(AuthenticationError);
    expect(events[1]!.durationMs).toBe(600_000);
    const pool = await adapter!.keyPool!.snapshot();
    expect(pool.keys[1]).toMatchObject({ key: FP2, state: 'quarantined', reason: 'auth', status: 401, retryAfterMs: 600_000 });
    expect(JSON.stringify({ error, events, pool, message: (error as Error).message, cause: String((error as Error).cause) })).not.toMatch(/sk-pool-key/);
  });

  it('a quarantined key is re-checked by one request after quarantineMs and back in rotation when it answers', async () => {
    const { client, clock, keyOf } = await setup({ keys: { [KEYS[1]]: [{ preset: 'invalid_api_key' }, 'ok'] } }, { quarantineMs: 60_000 });
    for (let i = 0; i < 6; i++) await client.chat(REQ);
    expect(keyOf()).toEqual([0, 1, 2, 0, 2, 0, 2]);
    clock.advance(60_000);
    const { meta } = await client.chat(REQ);
    expect(meta.attemptLog[0]).toMatchObject({ key: FP2, status: 200 });
    expect(events.map((e) => [e.key, e.state])).toEqual([[FP2, 'quarantined'], [FP2, 'healthy']]);
    expect((await adapter!.keyPool!.snapshot()).keys.every((k) => k.state === 'healthy')).toBe(true);
  });

  it('every key refused → AuthenticationError naming the pool, with the next re-check', async () => {
    const { client } = await setup({ apiKey: ['sk-some-other-key-0123456789'] });
    const error = await client.chat(REQ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      message: 'openai primary: all 3 API keys are set aside (3 quarantined), refused by the provider (401/403); the next re-check is in 600000 ms',
      status: 401, retryable: false,
    });
    expect(mock!.requests).toHaveLength(3);
  });

  it('an exhausted quota (429 insufficient_quota) quarantines the key; when all are out of quota the error is a non-retryable RateLimitError', async () => {
    const { client } = await setup({ script: { preset: 'insufficient_quota' } });
    const error = await client.chat(REQ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      message: 'openai primary: all 3 API keys are set aside (3 quarantined), out of quota; the next re-check is in 600000 ms',
      retryable: false, providerCode: 'insufficient_quota',
    });
  });

  it('a 429 without a retry hint cools the key for coolDownMs, doubling with each 429 in a row', async () => {
    const bare = { status: 429, error: { message: 'Too many requests', code: 'rate_limit_exceeded' } };
    const { client, clock } = await setup({ keys: { [KEYS[0]]: [bare, bare] } }, { coolDownMs: 1_000 });
    await client.chat(REQ);
    expect(events.at(-1)).toMatchObject({ key: FP1, durationMs: 1_000 });
    clock.advance(1_000);
    await client.chat(REQ); // key 2 is next in turn
    await client.chat(REQ); // key 3
    await client.chat(REQ); // key 1 again: a second 429 in a row
    expect(events.at(-1)).toMatchObject({ key: FP1, durationMs: 2_000 });
  });

  it('keyPool.onChange gets each change until unsubscribed; a listener that throws does not fail the call', async () => {
    const { client, clock, adapter: pooled } = await setup({ keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 30 } } });
    const seen: string[] = [];
    const off = pooled.keyPool!.onChange((e) => seen.push(`${e.key} ${e.state}`));
    pooled.keyPool!.onChange(() => {
      throw new Error('listener bug');
    });
    expect((await client.chat(REQ)).meta.attemptLog[0]!.key).toBe(FP2);
    off();
    clock.advance(30_000);
    for (let i = 0; i < 3; i++) await client.chat(REQ); // key 1 is tried (and cooled) again
    expect(events.filter((e) => e.key === FP1)).toHaveLength(2);
    expect(seen).toEqual([`${FP1} cooling`]);
  });

  it('streams rotate the same way: the 429 comes before the head, the stream comes from the next key', async () => {
    const { client } = await setup({ keys: { [KEYS[0]]: { preset: 'rate_limit', retryAfter: 30 } } });
    const stream = client.stream(REQ);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const { meta } = await stream.result;
    expect(text).toBe('Hello from the mock provider.');
    expect(meta.attemptLog[0]).toMatchObject({ key: FP2, keysTried: [{ key: FP1, status: 429 }] });
  });
});
