import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chunk, fakeAdapter, textChunks, textResponse } from '../test/fake-adapter.js';
import { fakeEmbedder } from '../test/fake-embedder.js';
import { createClient, DEADLINE_GRACE_MS, errorMeta } from './client.js';
import type { Clock } from './clock.js';
import type { Context } from './context.js';
import { AbortError, ConfigurationError, ServerError, TimeoutError } from './errors.js';
import type { Middleware } from './middleware.js';
import type { ChatRequest } from './types.js';

const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

/** A clock that moves only when told to (timers are the real, fake-able ones). */
function manualClock(start = 5_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    advance: (ms) => (now += ms),
  };
}

/** `lifeline:request` messages of the calls made while a test runs. */
const requests: Array<{ phase: string; ctx: Context; error?: unknown }> = [];
const onRequest = (message: unknown) => requests.push(message as (typeof requests)[number]);
beforeAll(() => subscribe('lifeline:request', onRequest));
afterAll(() => unsubscribe('lifeline:request', onRequest));
afterEach(() => {
  requests.length = 0;
  vi.useRealTimers();
});
const ends = () => requests.filter((r) => r.phase === 'end');

describe('chat(): the result and its meta', () => {
  it('measures latency on the client clock, and keeps meta a middleware set', async () => {
    const clock = manualClock();
    const adapter = fakeAdapter({ onCall: () => void clock.advance(120) });
    const { meta } = await createClient({ adapter, clock }).chat(req);
    expect(meta.latencyMs).toBe(120);
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    const preset: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.usage = usage;
      ctx.meta.model = 'chosen';
    };
    const second = await createClient({ adapter, clock, use: [preset] }).chat(req);
    expect(second.meta.usage).toBe(usage);
    expect(second.meta.model).toBe('chosen');
  });

  it("fills usage and model from an answer a middleware gave, falling back to the request's model", async () => {
    const answer = (model: string, withUsage: boolean): Middleware =>
      async (ctx) => {
        const { usage, ...bare } = textResponse('cached', model);
        ctx.response = withUsage ? { ...bare, usage } : bare;
      };
    const named = await createClient({ use: [answer('m-2025', true)] }).chat(req);
    expect(named.meta.model).toBe('m-2025');
    expect(named.meta.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    const unnamed = await createClient({ use: [answer('', false)] }).chat(req);
    expect(unnamed.meta.model).toBe('m');
    expect(unnamed.meta.usage).toBeUndefined();
  });

  it('prefers ctx.response over a stream a middleware also left', async () => {
    const both: Middleware = async (ctx) => {
      ctx.response = textResponse('json');
      ctx.stream = (async function* () {
        yield* textChunks(['streamed']);
      })();
    };
    const { response } = await createClient({ use: [both] }).chat(req);
    expect(response.choices[0]?.message.content).toBe('json');
  });

  it('fails with a ConfigurationError when the pipeline ends without an answer', async () => {
    const silent: Middleware = async () => {};
    await expect(createClient({ use: [silent] }).chat(req)).rejects.toThrow(
      new ConfigurationError('The pipeline finished without a response: a middleware returned without calling next() or setting ctx.response'),
    );
    const s = createClient({ use: [silent] }).stream(req);
    const error = await (async () => {
      for await (const _ of s);
    })().catch((e: unknown) => e);
    expect(error).toEqual(new ConfigurationError('The pipeline finished without a stream: a middleware returned without calling next() or setting ctx.stream'));
    await expect(s.result).rejects.toBe(error);
  });

  it('refuses a timeoutMs that is not a positive number, even a numeric string', async () => {
    const client = createClient({ adapter: fakeAdapter() });
    for (const [timeoutMs, shown] of [[0, '0'], ['5', '5'], [Number.NaN, 'NaN']] as const) {
      await expect(client.chat(req, { timeoutMs: timeoutMs as number })).rejects.toThrow(
        new ConfigurationError(`timeoutMs must be a positive number of milliseconds, got ${shown}`),
      );
    }
  });

  it("stops listening to the caller's signal once the call is over", async () => {
    const controller = new AbortController();
    await createClient({ adapter: fakeAdapter() }).chat(req, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const s = createClient({ adapter: fakeAdapter() }).stream(req, { signal: controller.signal });
    for await (const _ of s);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('publishes one end per call, with the error of a failed one', async () => {
    const failure = new ServerError('down', { status: 503 });
    const err = await createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(failure) }) }).chat(req).catch((e: unknown) => e);
    expect(err).toBe(failure);
    expect(ends()).toEqual([{ phase: 'end', ctx: expect.anything(), error: failure }]);
  });
});

describe('chat(): what a call that was cut short fails with', () => {
  /** Runs a call with `timeoutMs: 100` whose pipeline throws `thrown` once the deadline fired. */
  async function afterDeadline(thrown: unknown): Promise<unknown> {
    vi.useFakeTimers();
    const late: Middleware = (ctx) =>
      new Promise((_, reject) => {
        ctx.onAbort(() => reject(thrown));
      });
    const p = createClient({ use: [late] }).chat(req, { timeoutMs: 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    return p;
  }

  it('a provider error raised within the grace is what the caller gets', async () => {
    const failure = new ServerError('down', { status: 503 });
    expect(await afterDeadline(failure)).toBe(failure);
  });

  it('an abort or a foreign error raised after the deadline becomes the TimeoutError', async () => {
    for (const thrown of [new AbortError('aborted'), new TypeError('terminated')]) {
      const error = await afterDeadline(thrown);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toBe('Request timed out after 100 ms (timeoutMs)');
    }
  });

  it('a foreign error without an abort is passed on as is', async () => {
    const thrown = new TypeError('bug');
    const broken: Middleware = async () => {
      throw thrown;
    };
    expect(await createClient({ use: [broken] }).chat(req).catch((e: unknown) => e)).toBe(thrown);
  });
});

describe('errorMeta() and the meta attached to errors', () => {
  it('is non-enumerable but configurable, and the first meta attached wins', async () => {
    const adapter = fakeAdapter({ onCall: () => Promise.reject(new ServerError('down')) });
    const err = await createClient({ adapter }).chat(req).catch((e: unknown) => e);
    expect(Object.getOwnPropertyDescriptor(err, 'meta')).toMatchObject({ enumerable: false, configurable: true });
    const own = new ServerError('shared');
    const first = { attempts: 9, attemptLog: [] };
    Object.defineProperty(own, 'meta', { value: first, enumerable: false, configurable: true });
    const again = await createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(own) }) }).chat(req).catch((e: unknown) => e);
    expect(errorMeta(again)).toBe(first);
  });

  it('leaves frozen errors and thrown primitives alone', async () => {
    const frozen = Object.freeze(new ServerError('frozen'));
    const err = await createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(frozen) }) }).chat(req).catch((e: unknown) => e);
    expect(err).toBe(frozen);
    expect(errorMeta(err)).toBeUndefined();
    const thrown = await createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject('plain') }) }).chat(req).catch((e: unknown) => e);
    expect(thrown).toBe('plain');
  });

  it('reads only a meta with an attempt log', () => {
    for (const value of [null, undefined, 'x', {}, { meta: null }, { meta: 'm' }, { meta: { attemptLog: 'no' } }]) expect(errorMeta(value)).toBeUndefined();
    const meta = { attempts: 0, attemptLog: [] };
    expect(errorMeta({ meta })).toBe(meta);
  });
});

describe('stream(): settling the result once', () => {
  it('measures the time to the first content chunk on the client clock', async () => {
    const clock = manualClock();
    const adapter = {
      ...fakeAdapter(),
      stream: async () =>
        (async function* () {
          yield chunk({ role: 'assistant', content: '' });
          clock.advance(30);
          yield chunk({ content: 'a' });
          clock.advance(30);
          yield chunk({ content: 'b' }, 'stop');
        })(),
    };
    const s = createClient({ adapter, clock }).stream(req);
    for await (const _ of s);
    const { meta } = await s.result;
    expect(meta.timeToFirstTokenMs).toBe(30);
    expect(meta.latencyMs).toBe(60);
  });

  it('publishes one end for a stream that completes, fails, is aborted or is abandoned', async () => {
    const done = createClient({ adapter: fakeAdapter() }).stream(req);
    for await (const _ of done);
    await done.result;
    expect(ends()).toHaveLength(1);
    expect(ends()[0]).not.toHaveProperty('error');

    requests.length = 0;
    const failing = createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(new ServerError('down')) }) }).stream(req);
    await expect((async () => {
      for await (const _ of failing);
    })()).rejects.toThrow('down');
    await expect(failing.result).rejects.toThrow('down');
    expect(ends()).toHaveLength(1);

    requests.length = 0;
    const aborted = createClient({ adapter: fakeAdapter({ stallAfter: 0 }) }).stream(req);
    aborted.abort();
    await expect((async () => {
      for await (const _ of aborted);
    })()).rejects.toBeInstanceOf(AbortError);
    expect(ends()).toHaveLength(1);
  });

  it('abort() settles the result at once, with the reason given or an AbortError of its own', async () => {
    const s = createClient({ adapter: fakeAdapter({ stallAfter: 0 }) }).stream(req);
    s.abort();
    const error = await s.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('The stream was aborted by the caller');
    const reason = new TimeoutError('budget spent', { kind: 'overall' });
    const t = createClient({ adapter: fakeAdapter({ stallAfter: 0 }) }).stream(req);
    t.abort(reason);
    await expect(t.result).rejects.toBe(reason);
  });

  it('clears the overall timer when a stream with timeoutMs completes or fails', async () => {
    vi.useFakeTimers();
    const ok = createClient({ adapter: fakeAdapter() }).stream(req, { timeoutMs: 60_000 });
    for await (const _ of ok);
    await ok.result;
    expect(vi.getTimerCount()).toBe(0);
    const failing = createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(new ServerError('down')) }) }).stream(req, { timeoutMs: 60_000 });
    await expect(failing.result).rejects.toThrow('down');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('embed(): deadlines hold against a pipeline that ignores them', () => {
  const stuck: Middleware = () => new Promise(() => {});
  const embedReq = { model: 'e', input: 'a' };

  it("rejects on the caller's abort", async () => {
    const controller = new AbortController();
    const p = createClient({ adapter: fakeEmbedder(), use: [stuck] }).embed(embedReq, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(await p).toBeInstanceOf(AbortError);
  });

  it('rejects at timeoutMs plus the grace', async () => {
    vi.useFakeTimers();
    const p = createClient({ adapter: fakeEmbedder(), use: [stuck] }).embed(embedReq, { timeoutMs: 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100 + DEADLINE_GRACE_MS);
    expect(await p).toBeInstanceOf(TimeoutError);
  });
});
