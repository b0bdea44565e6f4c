/**
 * A provider with a key pool behind failover, retry and a breaker, over real HTTP: rotation between
 * keys is invisible to them; only a pool with no key left is an error they act on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, RateLimitError, timeout, type ChatRequest } from '@lifeline/core';
import { keyFingerprint, openai } from '@lifeline/adapters';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { retry } from '@lifeline/retry';
import { fakeClock, startMockProvider, type MockProviderOptions } from '@lifeline/testing';
import { failover } from './failover.js';

const KEYS = ['sk-failover-pool-one-0123456789', 'sk-failover-pool-two-0123456789', 'sk-failover-pool-three-01234567'];
const [FP1, FP2, FP3] = KEYS.map(keyFingerprint);
const REQ: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] };

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function stack(primaryMock: MockProviderOptions) {
  const clock = fakeClock(Date.now());
  const upstream = await startMockProvider({ apiKey: KEYS, ...primaryMock });
  const other = await startMockProvider({ apiKey: 'backup-key', text: 'From the backup.' });
  const primary = openai({ name: 'primary', baseURL: upstream.url, apiKey: KEYS, keyPool: { clock } });
  const backup = openai({ name: 'backup', baseURL: other.url, apiKey: 'backup-key' });
  closers.push(() => upstream.close(), () => other.close(), () => primary.close(), () => backup.close());
  const breaker = circuitBreaker({ failureThreshold: 2, clock });
  const client = createClient({
    clock,
    use: [failover([primary, backup]), retry({ maxAttempts: 3, maxRetryAfterMs: 5_000, clock }), breaker, timeout({ ms: 30_000 })],
  });
  return { client, clock, upstream, other, breaker, primary };
}

describe('key pool behind failover, retry and a breaker', () => {
  it('key 1 rate-limited: 20 calls answered by the primary, one attempt each, no retry delay, no failover, breaker untouched', async () => {
    const { client, clock, upstream, other, breaker } = await stack({ keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 30 } } });
    for (let i = 0; i < 20; i++) {
      const { meta, response } = await client.chat(REQ);
      expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
      expect(meta).toMatchObject({ provider: 'primary', attempts: 1, failovers: 0 });
    }
    const waits = clock.delays.filter((ms) => ms !== 30_000); // timeout()'s guard of each attempt
    expect(waits).toEqual([]);
    expect(other.requests).toHaveLength(0);
    expect(upstream.requests.map((r) => r.keyIndex).filter((k) => k === 0)).toHaveLength(1);
    expect(await breaker.snapshot()).toMatchObject({ 'primary/gpt-4.1': { state: 'closed' } });
  });

  it('all three keys 429: the caller-side RateLimitError carries the shortest Retry-After, retry does not wait for it, failover moves on', async () => {
    const { client, clock } = await stack({
      keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 30 }, [KEYS[1]!]: { preset: 'rate_limit', retryAfter: 10 }, [KEYS[2]!]: { preset: 'rate_limit', retryAfter: 20 } },
    });
    const { meta, response } = await client.chat(REQ);
    expect(response.choices[0]?.message.content).toBe('From the backup.');
    expect(meta).toMatchObject({ provider: 'backup', attempts: 2, failovers: 1 });
    expect(meta.attemptLog[0]).toMatchObject({
      target: 'primary', outcome: 'error', errorCode: 'rate_limit', status: 429, key: FP3, keysTried: [{ key: FP1, status: 429 }, { key: FP2, status: 429 }],
      errorMessage: 'openai primary: all 3 API keys are set aside (3 cooling down after 429); the first is back in 10000 ms',
    });
    expect(clock.delays.filter((ms) => ms !== 30_000)).toEqual([]);
  });

  it('without a backup the caller gets that RateLimitError; retry waits its shortest Retry-After, then a key is back', async () => {
    const clock = fakeClock(Date.now());
    const upstream = await startMockProvider({
      apiKey: KEYS,
      keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 3 }], [KEYS[1]!]: [{ preset: 'rate_limit', retryAfter: 2 }], [KEYS[2]!]: [{ preset: 'rate_limit', retryAfter: 4 }] },
    });
    const primary = openai({ name: 'primary', baseURL: upstream.url, apiKey: KEYS, keyPool: { clock } });
    closers.push(() => upstream.close(), () => primary.close());
    const error = await createClient({ adapter: primary, clock }).chat(REQ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ message: 'openai primary: all 3 API keys are set aside (3 cooling down after 429); the first is back in 2000 ms', retryAfterMs: 2_000, retryable: true });

    const client = createClient({ adapter: primary, clock, use: [retry({ maxAttempts: 2, clock, random: () => 0.5 })] });
    const { meta } = await clock.run(client.chat(REQ));
    expect(clock.delays).toEqual([2_000]);
    expect(meta.attemptLog.map((a) => [a.outcome, a.key])).toEqual([['error', undefined], ['ok', FP2]]); // the first attempt found no key ready: nothing was sent
    expect(upstream.requests.map((r) => r.keyIndex)).toEqual([0, 1, 2, 1]);
  });

  it('every key revoked: AuthenticationError from the pool, and failover moves on', async () => {
    const { client, upstream } = await stack({ apiKey: ['sk-another-key-entirely-01234567'] });
    const { meta } = await client.chat(REQ);
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1 });
    expect(meta.attemptLog[0]).toMatchObject({ errorCode: 'authentication', status: 401, keysTried: [{ key: FP1, status: 401 }, { key: FP2, status: 401 }], key: FP3 });
    expect(upstream.requests).toHaveLength(3);
    const again = await client.chat(REQ);
    expect(again.meta.attemptLog[0]!.errorMessage).toBe('openai primary: all 3 API keys are set aside (3 quarantined), refused by the provider (401/403); the next re-check is in 600000 ms');
    expect(upstream.requests).toHaveLength(3); // quarantined keys are not tried again
  });
});
