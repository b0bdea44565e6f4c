import { AbortError, ConfigurationError, createClient, RateLimitError, RateLimitExceededError, type AdapterCall, type ChatRequest, type Middleware, type ResponseInfo, type Usage } from '@lifeline/core';
import { fakeClock, flush, scriptedAdapter } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from './memory-store.js';
import { rateLimit, type RateLimitOptions } from './rate-limit.js';
import type { RateLimitStore } from './store.js';

// Estimate: ceil(25 chars / 4) = 7 prompt tokens + 1024 default max tokens = 1031.
const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hello there, how are you?' }] };

const USAGE: Usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

/** Per call: may throw, wait, or return the response head to report (rate-limit headers). */
type OnCall = (request: ChatRequest, call: AdapterCall, n: number) => ResponseInfo | void | Promise<ResponseInfo | void>;

function setup(options: RateLimitOptions, adapterOptions: { onCall?: OnCall } = {}, extra: Middleware[] = []) {
  const clock = fakeClock(0);
  const times: number[] = [];
  const adapter = scriptedAdapter(
    async (r, c, n) => {
      times.push(clock.now());
      return { responseInfo: (await adapterOptions.onCall?.(r, c, n)) ?? { status: 200 } };
    },
    { text: 'ok', usage: USAGE },
  );
  const client = createClient({ adapter, clock, use: [rateLimit(options), ...extra] });
  return { clock, times, adapter, client };
}

const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

describe('rateLimit: buckets and timing', () => {
  it('lets a minute of requests burst, then spaces them exactly 60 000 / rpm ms apart, in order', async () => {
    const { clock, times, client } = setup({ rpm: 2, maxWaitMs: 120_000 });
    const calls = Array.from({ length: 5 }, () => client.chat(request));
    await clock.advanceAsync(120_000);
    await Promise.all(calls);
    expect(times).toEqual([0, 0, 30_000, 60_000, 90_000]);
    expect(clock.delays).toEqual([30_000, 30_000, 30_000]);
  });

  it('pre-debits tokens from the estimate and refunds when the real usage is smaller, releasing waiters early', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // estimate 7 + 493 = 500; real usage 10 → refund 490 each
    const { clock, times, client } = setup({ tpm: 1000 }, { onCall: (_r, _c, n) => (n < 2 ? gate : undefined) });
    const calls = Array.from({ length: 3 }, () => client.chat({ ...request, max_tokens: 493 }));
    await clock.advanceAsync(1000);
    expect(times).toEqual([0, 0]);
    release();
    await clock.advanceAsync(0);
    await Promise.all(calls);
    expect(times).toEqual([0, 0, 1000]);
  });

  it('charges the retries made inside it', async () => {
    const twice: Middleware = async function twice(_ctx, next) {
      await next();
      await next();
    };
    const { clock, times, client } = setup({ rpm: 2 }, {}, [twice]);
    await client.chat(request); // two upstream requests: the bucket of 2 is empty
    const second = client.chat(request);
    await clock.advanceAsync(30_000);
    await second;
    expect(times).toEqual([0, 0, 30_000, 30_000]);
  });

  it('corrects tokens at the end of a stream', async () => {
    const { clock, times, client } = setup({ tpm: 1000 });
    const s = client.stream({ ...request, max_tokens: 993 }); // estimate 1000
    const second = client.chat({ ...request, max_tokens: 493 }); // needs 500: waits until the first stream refunds
    await flush();
    expect(times).toEqual([0]);
    for await (const _ of s) void _;
    await clock.advanceAsync(0);
    await second;
    expect(times).toEqual([0, 0]);
  });

  it('keeps a bucket per target and per tenant', async () => {
    const { clock, times, client } = setup({ rpm: 1 });
    await Promise.all([client.chat(request, { metadata: { tenant: 'a' } }), client.chat(request, { metadata: { tenant: 'b' } }), client.chat(request)]);
    expect(times).toEqual([0, 0, 0]);
    const custom = setup({ rpm: 1, key: () => 'shared' });
    const calls = [custom.client.chat(request, { metadata: { tenant: 'a' } }), custom.client.chat(request, { metadata: { tenant: 'b' } })];
    await custom.clock.advanceAsync(60_000);
    await Promise.all(calls);
    expect(custom.times).toEqual([0, 60_000]);
    void clock;
  });
});

describe('rateLimit: bounded queue and abort', () => {
  it('fails at once when the queue is full, with retryAfterMs', async () => {
    const { clock, client } = setup({ rpm: 1, maxQueue: 1, maxWaitMs: 600_000 });
    const first = client.chat(request);
    const second = client.chat(request);
    const third = await settle(client.chat(request));
    expect(third.ok).toBe(false);
    const err = (third as { e: RateLimitExceededError }).e;
    expect(err).toBeInstanceOf(RateLimitExceededError);
    expect(err.message).toBe('rateLimit: queue for "fake" is full (1 waiting); retry in 120000 ms');
    expect([err.retryAfterMs, err.provider]).toEqual([120_000, 'fake']);
    await clock.advanceAsync(60_000);
    await Promise.all([first, second]);
  });

  it('reports the calls waiting per key with queued(), and forgets a queue once it is empty', async () => {
    const clock = fakeClock(0);
    const limit = rateLimit({ rpm: 1, maxWaitMs: 600_000 });
    const adapter = scriptedAdapter(async () => ({ responseInfo: { status: 200 } }), { text: 'ok', usage: USAGE });
    const client = createClient({ adapter, clock, use: [limit] });
    expect(limit.queued()).toEqual({});
    const calls = [client.chat(request), client.chat(request), client.chat(request), client.chat(request, { metadata: { tenant: 'a' } })];
    await flush();
    expect(limit.queued()).toEqual({ fake: 2 });
    await clock.advanceAsync(60_000);
    expect(limit.queued()).toEqual({ fake: 1 });
    await clock.advanceAsync(60_000);
    await Promise.all(calls);
    expect(limit.queued()).toEqual({});
  });

  it('fails at once when the wait would exceed maxWaitMs or the call deadline', async () => {
    const { clock, client } = setup({ rpm: 1, maxWaitMs: 30_000 });
    await client.chat(request);
    const err = await client.chat(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitExceededError);
    expect((err as Error).message).toBe('rateLimit: "fake" would have to wait 60000 ms for 1 request and 1031 tokens, more than maxWaitMs (30000 ms)');
    expect((err as RateLimitExceededError).retryAfterMs).toBe(60_000);
    const deadline = await client.chat(request, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((deadline as Error).message).toBe(`rateLimit: "fake" would have to wait 60000 ms for 1 request and 1031 tokens, more than the call's deadline (10000 ms)`);
    expect(clock.pending()).toBe(0);
  });

  it('removes an aborted waiter at once, keeps the order of the others, and leaks no timer', async () => {
    const { clock, times, client } = setup({ rpm: 1, maxWaitMs: 600_000 });
    await client.chat(request);
    const controller = new AbortController();
    const second = settle(client.chat(request, { signal: controller.signal }));
    const third = client.chat(request);
    await clock.advanceAsync(10_000);
    controller.abort();
    const aborted = await second;
    expect(aborted.ok).toBe(false);
    expect((aborted as { e: unknown }).e).toBeInstanceOf(AbortError);
    expect(((aborted as { e: Error }).e).message).toBe('The operation was aborted by the caller');
    await clock.advanceAsync(50_000);
    await third;
    expect(times).toEqual([0, 60_000]);
    expect(clock.pending()).toBe(0);
  });

  it('clears its timer when the only waiter aborts', async () => {
    const { clock, client } = setup({ rpm: 1 });
    await client.chat(request);
    const controller = new AbortController();
    const waiting = settle(client.chat(request, { signal: controller.signal }));
    await flush();
    expect(clock.pending()).toBe(1);
    controller.abort();
    expect((await waiting).ok).toBe(false);
    await flush();
    expect(clock.pending()).toBe(0);
  });
});

describe('rateLimit: adaptive to provider headers', () => {
  it('holds requests until the reset time when the provider says none remain', async () => {
    const { clock, times, client } = setup({}, { onCall: (_r, _c, n) => (n === 0 ? { status: 200, rateLimit: { remainingRequests: 0, resetRequestsAt: 10_000 } } : undefined) });
    await client.chat(request);
    const second = client.chat(request);
    await clock.advanceAsync(10_000);
    await second;
    expect(times).toEqual([0, 10_000]);
    expect(clock.delays).toEqual([10_000]);
  });

  it('lets the remaining requests through, then holds (before the provider starts returning 429s)', async () => {
    const { clock, times, client } = setup({}, { onCall: (_r, _c, n) => (n === 0 ? { status: 200, rateLimit: { remainingRequests: 2, resetRequestsAt: 6_000 } } : undefined) });
    await client.chat(request);
    const calls = [client.chat(request), client.chat(request), client.chat(request)];
    await clock.advanceAsync(6_000);
    await Promise.all(calls);
    expect(times).toEqual([0, 0, 0, 6_000]);
  });

  it('holds on remaining tokens below the next estimate', async () => {
    const { clock, times, client } = setup({}, { onCall: (_r, _c, n) => (n === 0 ? { status: 200, rateLimit: { remainingTokens: 1000, resetTokensAt: 7_000 } } : undefined) });
    await client.chat(request);
    const second = client.chat(request); // estimate 1031 > 1000
    await clock.advanceAsync(7_000);
    await second;
    expect(times).toEqual([0, 7_000]);
  });

  it("holds after a 429's Retry-After, capped by maxHoldMs", async () => {
    const { clock, times, client } = setup({ maxHoldMs: 20_000 }, {
      onCall: (_r, _c, n) => {
        if (n === 0) throw new RateLimitError('Rate limit exceeded', { provider: 'fake', status: 429, retryAfterMs: 45_000 });
      },
    });
    await expect(client.chat(request)).rejects.toThrow(RateLimitError);
    const second = client.chat(request);
    await clock.advanceAsync(20_000);
    await second;
    expect(times).toEqual([0, 20_000]);
  });

  it('ignores the headers when adaptive is off', async () => {
    const { times, client } = setup({ rpm: 100, adaptive: false }, { onCall: () => ({ status: 200, rateLimit: { remainingRequests: 0, resetRequestsAt: 10_000 } }) });
    await client.chat(request);
    await client.chat(request);
    expect(times).toEqual([0, 0]);
  });
});

describe('rateLimit: edges', () => {
  it('a deadline exactly as long as maxWaitMs is reported as maxWaitMs', async () => {
    const { client } = setup({ rpm: 1, maxWaitMs: 10_000 });
    await client.chat(request);
    const err = await client.chat(request, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('rateLimit: "fake" would have to wait 60000 ms for 1 request and 1031 tokens, more than maxWaitMs (10000 ms)');
  });

  it('a call that fails before reaching the provider gives its request back and lets the next waiter go at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failFirst: Middleware = async function failFirst(ctx, next) {
      if (ctx.metadata.fail) {
        await gate;
        throw new Error('local failure');
      }
      await next();
    };
    const { clock, times, client } = setup({ rpm: 1, maxWaitMs: 600_000 }, {}, [failFirst]);
    const first = settle(client.chat(request, { metadata: { fail: true } }));
    await flush();
    let admitted = false;
    const second = settle(client.chat(request)).then((r) => ((admitted = true), r));
    await flush();
    release();
    expect(await first).toMatchObject({ ok: false, e: { message: 'local failure' } });
    await flush();
    expect(admitted).toBe(true); // without waiting for the bucket's refill (60 s)
    expect(await second).toMatchObject({ ok: true });
    expect(times).toEqual([0]);
    expect(clock.pending()).toBe(0);
  });

  it('only a rate-limit error’s Retry-After holds the target', async () => {
    const { ServerError } = await import('@lifeline/core');
    const { clock, times, client } = setup({ rpm: 100 }, {
      onCall: (_r, _c, n) => {
        if (n === 0) throw new ServerError('Service unavailable', { status: 503, retryAfterMs: 30_000 });
      },
    });
    await client.chat(request).catch(() => {});
    await client.chat(request);
    expect(times).toEqual([0, 0]);
    expect(clock.pending()).toBe(0);
  });
});

describe('rateLimit: options', () => {
  it.each([
    [{ rpm: 0 }, 'rateLimit: rpm must be a positive number, got 0'],
    [{ tpm: -5 }, 'rateLimit: tpm must be a positive number, got -5'],
    [{ rpm: 1, maxQueue: 1.5 }, 'rateLimit: maxQueue must be a non-negative integer, got 1.5'],
    [{ rpm: 1, maxWaitMs: -1 }, 'rateLimit: maxWaitMs must be a non-negative number, got -1'],
    [{ rpm: 1, defaultMaxTokens: 0 }, 'rateLimit: defaultMaxTokens must be a positive integer, got 0'],
    [{ rpm: 1, key: 'x' }, 'rateLimit: key must be a function (ctx) => string, got string'],
    [{ adaptive: false }, 'rateLimit: give rpm, tpm, or leave adaptive on'],
    [{ rpm: Number.POSITIVE_INFINITY }, 'rateLimit: rpm must be a positive number, got Infinity'],
    [{ rpm: 1, maxHoldMs: 0 }, 'rateLimit: maxHoldMs must be a positive number, got 0'],
  ])('rejects %j', (options, message) => {
    expect(() => rateLimit(options as never)).toThrow(ConfigurationError);
    expect(() => rateLimit(options as never)).toThrow(message);
  });

  it('accepts a zero maxWaitMs and maxQueue, and adaptive alone', () => {
    expect(() => rateLimit({ rpm: 1, maxWaitMs: 0, maxQueue: 0 })).not.toThrow();
    expect(() => rateLimit({ tpm: 1_000, adaptive: false })).not.toThrow();
    expect(() => rateLimit({})).not.toThrow();
  });
});

describe('rateLimit: stores that answer at once, and stores that do not', () => {
  /** The memory store behind the async methods only (as a networked store would be). */
  const asyncOnly = (): RateLimitStore => {
    const inner = new MemoryRateLimitStore();
    return {
      take: (req) => inner.take(req),
      peek: (req) => inner.peek(req),
      adjust: (key, delta, limits, now) => inner.adjust(key, delta, limits, now),
      observe: (key, window, now) => inner.observe(key, window, now),
    };
  };

  it('admits, corrects and observes through the synchronous methods of the memory store', async () => {
    const store = new MemoryRateLimitStore();
    const used: string[] = [];
    for (const name of ['take', 'adjust', 'observe', 'takeNow', 'adjustNow', 'observeNow'] as const) {
      const original = store[name].bind(store) as (...args: unknown[]) => unknown;
      (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        used.push(name);
        return original(...args);
      };
    }
    const { client } = setup({ rpm: 2, tpm: 100_000, store }, { onCall: () => ({ status: 200, rateLimit: { remainingRequests: 5, resetRequestsAt: 60_000 } }) });
    const { meta } = await client.chat(request);
    expect(meta.queuedMs).toBe(0);
    expect(used).toEqual(['takeNow', 'observeNow', 'adjustNow']);
  });

  it('skips a correction no bucket of the memory store counts, and the clock read it would need', async () => {
    const clock = fakeClock(0);
    const run = async (options: RateLimitOptions) => {
      const store = options.store as MemoryRateLimitStore;
      const used: string[] = [];
      const original = store.adjustNow.bind(store);
      store.adjustNow = (...args) => {
        used.push('adjustNow');
        original(...args);
      };
      let reads = 0;
      const counting = { now: () => (reads++, clock.now()), setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout };
      const client = createClient({ adapter: scriptedAdapter('ok', { usage: USAGE }), clock, use: [rateLimit({ ...options, clock: counting })] });
      await client.chat(request);
      return { used, reads };
    };
    // rpm only: the real usage corrects only tokens, which no bucket counts — nothing to write.
    expect(await run({ rpm: 2, store: new MemoryRateLimitStore() })).toEqual({ used: [], reads: 1 });
    // A tokens bucket counts the correction: written, at the time read after the call.
    expect(await run({ rpm: 2, tpm: 100_000, store: new MemoryRateLimitStore() })).toEqual({ used: ['adjustNow'], reads: 2 });
    // Any other store is told of every correction, even one the memory store would skip.
    const inner = new MemoryRateLimitStore();
    const custom = {
      take: inner.take.bind(inner), peek: inner.peek.bind(inner), adjust: inner.adjust.bind(inner), observe: inner.observe.bind(inner),
      takeNow: inner.takeNow.bind(inner), adjustNow: inner.adjustNow.bind(inner), observeNow: inner.observeNow.bind(inner),
    };
    expect(await run({ rpm: 2, store: custom as unknown as MemoryRateLimitStore })).toEqual({ used: ['adjustNow'], reads: 2 });
    class CountingStore extends MemoryRateLimitStore {}
    expect(await run({ rpm: 2, store: new CountingStore() })).toEqual({ used: ['adjustNow'], reads: 2 });
  });

  it.each([
    ['memory store (synchronous path)', () => new MemoryRateLimitStore()],
    ['a store with async methods only', asyncOnly],
  ])('spaces calls and refunds the same with a %s', async (_name, makeStore) => {
    const a = setup({ rpm: 2, maxWaitMs: 120_000, store: makeStore() });
    const calls = Array.from({ length: 4 }, () => a.client.chat(request));
    await a.clock.advanceAsync(60_000);
    await Promise.all(calls);
    expect(a.times).toEqual([0, 0, 30_000, 60_000]);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = setup({ tpm: 1000, store: makeStore() }, { onCall: (_r, _c, n) => (n < 2 ? gate : undefined) });
    const waits = Array.from({ length: 3 }, () => b.client.chat({ ...request, max_tokens: 493 }));
    await b.clock.advanceAsync(1000);
    expect(b.times).toEqual([0, 0]);
    release();
    await b.clock.advanceAsync(0);
    await Promise.all(waits);
    expect(b.times).toEqual([0, 0, 1000]);

    const c = setup({ store: makeStore() }, { onCall: (_r, _c, n) => (n === 0 ? { status: 200, rateLimit: { remainingRequests: 0, resetRequestsAt: 10_000 } } : undefined) });
    await c.client.chat(request);
    const held = c.client.chat(request);
    await c.clock.advanceAsync(10_000);
    await held;
    expect(c.times).toEqual([0, 10_000]);
  });
});
