/**
 * MemoryRateLimitStore's provider windows (what the provider's headers and 429s said) and its
 * bounds on kept keys, exercised through peek/take/observe.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-store.js';
import type { RateLimits } from './store.js';

const at = (now: number, tokens = 10, limits: RateLimits = {}, key = 'k', providerKey = 'p') => ({ key, providerKey, cost: { requests: 1, tokens }, limits, now });

describe('MemoryRateLimitStore: provider windows', () => {
  it('holds until holdUntil, counting from now, and not at holdUntil itself', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { holdUntil: 1_000 }, 0);
    expect(await store.peek(at(400))).toEqual({ ok: false, waitMs: 600 });
    expect(await store.peek(at(1_000))).toEqual({ ok: true, waitMs: 0 });
  });

  it('a window without its hold keeps the hold already known', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { holdUntil: 2_000 }, 0);
    await store.observe('p', { remainingTokens: 500 }, 0);
    expect(await store.peek(at(500))).toEqual({ ok: false, waitMs: 1_500 });
  });

  it('waits for the request reset only when fewer requests remain than the call needs', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingRequests: 1, resetRequestsAt: 5_000 }, 0);
    expect(await store.peek(at(1_000))).toEqual({ ok: true, waitMs: 0 });
    await store.observe('p', { remainingRequests: 0 }, 1_000);
    expect(await store.peek(at(2_000))).toEqual({ ok: false, waitMs: 3_000 });
    expect(await store.peek(at(5_000))).toEqual({ ok: true, waitMs: 0 });
  });

  it('waits for the token reset only when fewer tokens remain than the call needs', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingTokens: 100, resetTokensAt: 8_000 }, 0);
    expect(await store.peek(at(2_000, 100))).toEqual({ ok: true, waitMs: 0 });
    expect(await store.peek(at(2_000, 101))).toEqual({ ok: false, waitMs: 6_000 });
  });

  it('remaining counts without a reset time hold nothing', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingRequests: 0, remainingTokens: 0 }, 0);
    expect(await store.peek(at(10))).toEqual({ ok: true, waitMs: 0 });
  });

  it('each call taken spends the remaining tokens the provider reported', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingTokens: 100, resetTokensAt: 60_000 }, 0);
    expect(await store.take(at(0, 60))).toEqual({ ok: true, waitMs: 0 });
    expect(await store.peek(at(0, 60))).toEqual({ ok: false, waitMs: 60_000 });
    expect(await store.peek(at(0, 40))).toEqual({ ok: true, waitMs: 0 });
  });

  it('forgets remaining counts once their reset time is reached (a later reset alone holds nothing)', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingRequests: 0, resetRequestsAt: 1_000, remainingTokens: 0, resetTokensAt: 1_000 }, 0);
    await store.observe('p', {}, 1_000);
    await store.observe('p', { resetRequestsAt: 9_000, resetTokensAt: 9_000 }, 1_000);
    expect(await store.peek(at(1_000))).toEqual({ ok: true, waitMs: 0 });
  });
});

describe('MemoryRateLimitStore: bounds', () => {
  const rpm1: RateLimits = { rpm: 1 };

  it('keeps maxKeys buckets, dropping the least recently used', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 2 });
    const take = (key: string) => store.take(at(0, 1, rpm1, key));
    expect((await take('a')).ok).toBe(true);
    expect((await take('b')).ok).toBe(true);
    expect((await take('a')).ok).toBe(false); // uses a: b is now the oldest
    expect((await take('c')).ok).toBe(true); // drops b
    expect((await store.peek(at(0, 1, rpm1, 'a'))).ok).toBe(false);
    expect((await store.peek(at(0, 1, rpm1, 'b'))).ok).toBe(true);
  });

  it('a single kept key is replaced by the next one', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 1 });
    expect((await store.take(at(0, 1, rpm1, 'a'))).ok).toBe(true);
    expect((await store.take(at(0, 1, rpm1, 'b'))).ok).toBe(true);
    expect((await store.peek(at(0, 1, rpm1, 'a'))).ok).toBe(true);
    expect((await store.peek(at(0, 1, rpm1, 'b'))).ok).toBe(true); // peeking at a dropped b again
  });

  it('keeps maxKeys provider windows, dropping the least recently observed', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 2 });
    await store.observe('p1', { holdUntil: 1_000 }, 0);
    await store.observe('p2', { holdUntil: 1_000 }, 0);
    expect((await store.peek(at(0, 1, {}, 'k', 'p1'))).ok).toBe(false);
    await store.observe('p1', { holdUntil: 1_000 }, 0); // p2 is now the oldest
    await store.observe('p3', { holdUntil: 1_000 }, 0);
    expect((await store.peek(at(0, 1, {}, 'k', 'p1'))).ok).toBe(false);
    expect((await store.peek(at(0, 1, {}, 'k', 'p2'))).ok).toBe(true);
    expect((await store.peek(at(0, 1, {}, 'k', 'p3'))).ok).toBe(false);
  });

  it('accepts maxKeys 1', () => {
    expect(() => new MemoryRateLimitStore({ maxKeys: 1 })).not.toThrow();
  });
});
