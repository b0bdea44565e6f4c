import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-store.js';
import { adjustBucket, debit, fullBucket, waitFor } from './token-bucket.js';

describe('token bucket (exact integers)', () => {
  it('refills without drift across many partial steps', () => {
    const b = fullBucket(3, 0);
    debit(b, 3, 3, 0);
    for (let t = 1; t <= 20_000; t++) expect(waitFor(b, 1, 3, t)).toBe(20_000 - t);
    expect(waitFor(b, 3, 3, 60_000)).toBe(0);
  });

  it('treats a cost above capacity as the capacity, and lets adjustments create debt but never overflow', () => {
    const b = fullBucket(10, 0);
    expect(waitFor(b, 50, 10, 0)).toBe(0);
    debit(b, 50, 10, 0);
    expect(waitFor(b, 1, 10, 0)).toBe(6_000);
    adjustBucket(b, 5, 10, 0); // debt: 5 more used than taken
    expect(waitFor(b, 1, 10, 0)).toBe(36_000);
    adjustBucket(b, -100, 10, 0);
    expect(b.level).toBe(600_000);
  });
});

describe('MemoryRateLimitStore', () => {
  const req = (now: number, tokens = 10) => ({ key: 'k', providerKey: 'p', cost: { requests: 1, tokens }, limits: { rpm: 1, tpm: 100 }, now });

  it('an idle bucket refills up to its capacity and no further', async () => {
    const store = new MemoryRateLimitStore();
    const take = (now: number) => store.take({ key: 'idle', providerKey: 'p', cost: { requests: 1, tokens: 1 }, limits: { rpm: 4, tpm: 1_000 }, now });
    expect(await take(0)).toEqual({ ok: true, waitMs: 0 }); // 3 requests left
    // Idle for an hour: a bucket without a cap would hold ~240 requests now; this one holds 4.
    const later = 3_600_000;
    for (let i = 0; i < 4; i++) expect(await take(later)).toEqual({ ok: true, waitMs: 0 });
    expect(await take(later)).toEqual({ ok: false, waitMs: 15_000 });
  });

  it('takes all or nothing; peek changes nothing', async () => {
    const store = new MemoryRateLimitStore();
    expect(await store.peek(req(0))).toEqual({ ok: true, waitMs: 0 });
    expect(await store.take(req(0, 95))).toEqual({ ok: true, waitMs: 0 });
    expect(await store.take(req(0, 10))).toEqual({ ok: false, waitMs: 60_000 });
    expect(await store.take(req(3_000, 8))).toEqual({ ok: false, waitMs: 57_000 }); // requests bucket still empty; tokens untouched
    expect(await store.take(req(60_000, 10))).toEqual({ ok: true, waitMs: 0 });
  });

  it('keeps provider windows until their reset and only moves holds later', async () => {
    const store = new MemoryRateLimitStore();
    await store.observe('p', { remainingRequests: 0, resetRequestsAt: 5_000, holdUntil: 2_000 }, 0);
    await store.observe('p', { holdUntil: 1_000 }, 0);
    expect(await store.peek({ ...req(0), limits: {} })).toEqual({ ok: false, waitMs: 5_000 });
    expect(await store.peek({ ...req(5_000), limits: {} })).toEqual({ ok: true, waitMs: 0 });
    await store.observe('p', {}, 6_000); // expired fields are dropped
    expect(await store.peek({ ...req(6_000), limits: {} })).toEqual({ ok: true, waitMs: 0 });
  });

  it('validates maxKeys', () => {
    expect(() => new MemoryRateLimitStore({ maxKeys: 0 })).toThrow('MemoryRateLimitStore: maxKeys must be a positive integer, got 0');
  });
});
