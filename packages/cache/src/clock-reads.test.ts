/** How many times a cache hit reads the clock, and which clock judges the store's expiry. */
import { type Clock, createClient } from '@lifeline/core';
import { fakeClock, scriptedAdapter } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { req, TTL } from '../test/setup.js';
import { cache, memoryStore } from './index.js';

/** `clock` with a count of its `now()` reads. */
function counting(clock: Clock): Clock & { reads: number } {
  const counted = {
    reads: 0,
    now: () => {
      counted.reads++;
      return clock.now();
    },
    setTimeout: clock.setTimeout.bind(clock),
    clearTimeout: clock.clearTimeout.bind(clock),
  };
  return counted;
}

describe('clock reads of a cache hit', () => {
  it('reads the clock once for the cache and the memory store it made (they share the clock)', async () => {
    const fake = fakeClock(1_000_000);
    const clock = counting(fake);
    const client = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL, clock })] });
    await client.chat(req);
    clock.reads = 0;
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(clock.reads).toBe(1);
    fake.advance(TTL);
    expect((await client.chat(req)).meta.cache).toBe('miss');
  });

  it('lets a store it was given read its own clock (one read each)', async () => {
    const fake = fakeClock(1_000_000);
    const clock = counting(fake);
    const store = memoryStore({ clock });
    const client = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL, clock, store })] });
    await client.chat(req);
    clock.reads = 0;
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(clock.reads).toBe(2);
  });

  it('keeps the system clock for its own store when only the client has a fake clock', async () => {
    // The client's clock says 2096: handed to a store that timed its entries on the system
    // clock, it would expire them at once.
    const clock = counting(fakeClock(4_000_000_000_000));
    const answers = cache({ ttlMs: TTL });
    const client = createClient({ adapter: scriptedAdapter(), clock, use: [answers] });
    await client.chat(req);
    clock.reads = 0;
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(answers.stats().entries).toBe(1);
    // chat() reads its start and end, the cache its freshness: the store reads the system clock.
    expect(clock.reads).toBe(3);
  });

  it('reads the clock once with the system clock on both sides', async () => {
    const answers = cache({ ttlMs: TTL });
    const store = answers.store as ReturnType<typeof memoryStore>;
    const seen: Array<number | undefined> = [];
    const getNow = store.getNow.bind(store);
    store.getNow = (key, now) => {
      seen.push(now);
      return getNow(key, now);
    };
    const client = createClient({ adapter: scriptedAdapter(), use: [answers] });
    await client.chat(req);
    const before = Date.now();
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeGreaterThanOrEqual(before);
    expect(seen[1]).toBeLessThanOrEqual(Date.now());
  });
});
