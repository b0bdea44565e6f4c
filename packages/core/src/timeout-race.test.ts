import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeAdapter } from '../test/fake-adapter.js';
import { createClient } from './client.js';
import { AbortError, TimeoutError } from './errors.js';
import type { Middleware } from './middleware.js';
import { timeout } from './timeout.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

/** A layer below the timeout that never settles and ignores every abort. */
const hang: Middleware = () => new Promise(() => {});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('timeout(): the attempt is raced against its limit, whatever lies below', () => {
  it('a JSON call (the lean path) fails at its limit even when a layer below ignores the abort', async () => {
    const p = createClient({ adapter: fakeAdapter(), use: [timeout({ ms: 300 }), hang] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(299);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await p) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe('Timeout: attempt to fake did not finish within 300 ms (timeout({ ms }))');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a stream call (the full path) fails at its limit even when a layer below ignores the abort', async () => {
    const s = createClient({ adapter: fakeAdapter(), use: [timeout({ ms: 300, idleMs: 1_000 }), hang] }).stream(req);
    const done = (async () => {
      for await (const _ of s);
    })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(300);
    const err = (await done) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.kind).toBe('total');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a JSON call ends at once with the caller's abort, and at once when the caller aborted before it started", async () => {
    const controller = new AbortController();
    const p = createClient({ adapter: fakeAdapter(), use: [timeout({ ms: 10_000 }), hang] }).chat(req, { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const err = (await p) as AbortError;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toBe('The operation was aborted by the caller');
    expect(vi.getTimerCount()).toBe(0);

    // Already aborted: a middleware above forks the aborted context before timeout() runs.
    let seen: unknown;
    const late: Middleware = async (ctx, next) => {
      ctx.abort(new AbortError('stopped above'));
      try {
        await next();
      } catch (error) {
        seen = error;
        throw error;
      }
    };
    const q = createClient({ adapter: fakeAdapter(), use: [late, timeout({ ms: 10_000 }), hang] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await q).toBeInstanceOf(AbortError);
    expect((seen as AbortError).message).toBe('stopped above');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a JSON answer that comes after the limit is ignored, and one before it is passed on with its meta', async () => {
    let answer!: () => void;
    const slow: Middleware = (ctx) =>
      new Promise<void>((resolve) => {
        answer = () => {
          ctx.meta.provider = 'late';
          resolve();
        };
      });
    const p = createClient({ adapter: fakeAdapter(), use: [timeout({ ms: 100 }), slow] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(await p).toBeInstanceOf(TimeoutError);

    const { meta } = await createClient({ adapter: fakeAdapter({ name: 'quick' }), use: [timeout({ ms: 100 })] }).chat(req);
    expect(meta.provider).toBe('quick');
    expect(meta.attempts).toBe(1);
  });
});
