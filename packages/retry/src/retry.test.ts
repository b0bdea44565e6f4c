import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  type Adapter,
  type Middleware,
  AbortError,
  AuthenticationError,
  BadRequestError,
  CircuitOpenError,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  createClient,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@lifeline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterStep, fakeClock, scriptedAdapter } from '@lifeline/testing';
import { seededRandom, sequence } from '../test/random.js';
import { RetryBudget } from './budget.js';
import type { GiveUpEvent, RetryEvent } from './events.js';
import { retry } from './retry.js';
import type { RetryOptions } from './options.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };
const rateLimited = (retryAfterMs?: number) =>
  new RateLimitError('Rate limit reached for gpt-4.1', { provider: 'primary', status: 429, retryAfterMs });
const serverError = () => new ServerError('The server had an error', { provider: 'primary', status: 500 });

function setup(script: AdapterStep[], options: RetryOptions = {}) {
  const clock = fakeClock(1_000_000);
  const adapter = scriptedAdapter(script, { name: 'primary', clock, text: 'Hello', pieces: ['Hello', ' world', '!'] });
  const retried: RetryEvent[] = [];
  const gaveUp: GiveUpEvent[] = [];
  const client = createClient({
    adapter,
    clock,
    use: [retry({ budget: false, onRetry: (e) => retried.push(e), onGiveUp: (e) => gaveUp.push(e), ...options })],
  });
  const gaps = () => adapter.calls.slice(1).map((c, i) => c.at - adapter.calls[i]!.at);
  return { clock, adapter, client, retried, gaveUp, gaps };
}

describe('retry: backoff', () => {
  it('defaults: 3 attempts, full-jitter delays of a seeded random (exact), then the last error', async () => {
    const { clock, client, adapter, gaps, gaveUp } = setup([serverError(), serverError(), rateLimited()], { random: seededRandom(42) });
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toBe('Rate limit reached for gpt-4.1');
    expect(adapter.calls).toHaveLength(3);
    expect(clock.delays).toEqual([301, 448]);
    expect(gaps()).toEqual([301, 448]);
    expect(gaveUp.map((e) => [e.reason, e.attempt])).toEqual([['max-attempts', 3]]);
  });

  it('grows the ceiling ×2 up to maxDelayMs (exact sequence, scripted random)', async () => {
    const script = Array.from({ length: 7 }, serverError);
    const { clock, client, adapter } = setup(script, { maxAttempts: 7, random: sequence(0.999999) });
    await expect(clock.run(client.chat(req))).rejects.toThrow(ServerError);
    expect(adapter.calls).toHaveLength(7);
    expect(clock.delays).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('succeeds on a later attempt and annotates the attempt log with each delay', async () => {
    const { clock, client } = setup([serverError(), new ConnectionError('ECONNRESET', { provider: 'primary' })], {
      random: sequence(0.5),
    });
    const { response, meta } = await clock.run(client.chat(req));
    expect(response.choices[0]?.message.content).toBe('Hello');
    expect(meta.attempts).toBe(3);
    expect(meta.attemptLog.map((a) => [a.outcome, a.errorCode, a.delayMs, (a as { delaySource?: string }).delaySource])).toEqual([
      ['error', 'server', undefined, undefined],
      ['error', 'connection', 250, 'backoff'],
      ['ok', undefined, 500, 'backoff'],
    ]);
  });

  it('retries timeouts of an attempt (but see below: never the call’s own deadline)', async () => {
    const { clock, client, adapter } = setup([new TimeoutError('attempt timed out', { kind: 'total', timeoutMs: 100 })], { random: sequence(0) });
    const { meta } = await clock.run(client.chat(req));
    expect(adapter.calls).toHaveLength(2);
    expect(meta.attemptLog[1]?.delayMs).toBe(0);
  });
});

describe('retry: Retry-After', () => {
  it('reads the hint per attempt, honours it exactly, and backs off when an attempt has none', async () => {
    const script = [rateLimited(2_000), rateLimited(150), serverError()];
    const { clock, client, adapter, gaps, retried } = setup(script, { maxAttempts: 4, random: sequence(0.5) });
    await clock.run(client.chat(req));
    expect(adapter.calls).toHaveLength(4);
    expect(gaps()).toEqual([2_000, 150, 1_000]);
    expect(retried.map((e) => [e.attempt, e.delayMs, e.source])).toEqual([
      [1, 2_000, 'retry-after'],
      [2, 150, 'retry-after'],
      [3, 1_000, 'backoff'],
    ]);
  });

  it('gives up at once on a hint above maxRetryAfterMs, rethrowing the error so failover moves on', async () => {
    const { clock, client, adapter, gaveUp } = setup([rateLimited(61_000)]);
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(61_000);
    expect(adapter.calls).toHaveLength(1);
    expect(clock.delays).toEqual([]);
    expect(gaveUp.map((e) => e.reason)).toEqual(['retry-after-too-long']);
  });

  it('honours a hint equal to a custom cap', async () => {
    const { clock, client, gaps } = setup([rateLimited(5_000)], { maxRetryAfterMs: 5_000 });
    await clock.run(client.chat(req));
    expect(gaps()).toEqual([5_000]);
  });
});

describe('retry: deadline', () => {
  it('gives up with the last error when a Retry-After cannot fit before the deadline', async () => {
    const { clock, client, adapter, gaveUp } = setup([rateLimited(2_000)]);
    const error = await clock.run(client.chat(req, { timeoutMs: 2_400 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toBe('Rate limit reached for gpt-4.1');
    expect(adapter.calls).toHaveLength(1);
    expect(gaveUp.map((e) => e.reason)).toEqual(['deadline']);
    expect(clock.pending()).toBe(0);
  });

  it('shortens a backoff delay so the next attempt still fits, never sleeping past the deadline', async () => {
    const { clock, client, gaps } = setup([serverError(), serverError()], { jitter: 'none', minAttemptMs: 200 });
    await clock.run(client.chat(req, { timeoutMs: 1_000 }));
    // 500 fits (500 + 200 ≤ 1000); then 500 ms are left: the 1000 ms delay is cut to 500 - 200.
    expect(gaps()).toEqual([500, 300]);
  });

  it('never retries once the call’s own deadline fired (overall TimeoutError)', async () => {
    const clock = fakeClock(1_000_000);
    const adapter = scriptedAdapter([{ hang: true }], { name: 'primary' });
    const client = createClient({ adapter, clock, use: [retry({ budget: false })] });
    const error = await clock.run(client.chat(req, { timeoutMs: 1_000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('Request timed out after 1000 ms (timeoutMs)');
    expect(adapter.calls).toHaveLength(1);
  });
});

describe('retry: what is never retried', () => {
  it.each([
    ['400', new BadRequestError('Invalid messages', { status: 400 }), BadRequestError],
    ['401', new AuthenticationError('Incorrect API key', { status: 401 }), AuthenticationError],
    ['422', new BadRequestError('Unprocessable', { status: 422 }), BadRequestError],
    ['content filter', new ContentFilterError('Refused'), ContentFilterError],
    ['context length', new ContextLengthError('Too long', { status: 400 }), ContextLengthError],
    ['quota', new RateLimitError('You exceeded your current quota', { status: 429, retryable: false }), RateLimitError],
    ['open circuit', new CircuitOpenError('Circuit open', { retryAfterMs: 10 }), CircuitOpenError],
    ['abort', new AbortError('aborted'), AbortError],
    ['a plain Error', new TypeError('boom'), TypeError],
  ])('%s: exactly one attempt, error rethrown unchanged', async (_, err, cls) => {
    const { clock, client, adapter, retried, gaveUp } = setup([err]);
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toBe(err);
    expect(adapter.calls).toHaveLength(1);
    expect(retried).toEqual([]);
    expect(gaveUp).toEqual([]);
  });

  it('retryOn replaces the classification', async () => {
    const { clock, client, adapter } = setup([new BadRequestError('flaky 400', { status: 400 })], {
      retryOn: (e, ctx, attempt) => e instanceof BadRequestError && ctx.request.model === 'gpt-4.1' && attempt === 1,
    });
    await clock.run(client.chat(req));
    expect(adapter.calls).toHaveLength(2);
  });

  it('the caller’s abort during a wait ends the call at once and clears the timer', async () => {
    const { clock, client, adapter } = setup([serverError()], { jitter: 'none' });
    const controller = new AbortController();
    const call = client.chat(req, { signal: controller.signal });
    await clock.advanceAsync(100);
    expect(clock.pending()).toBe(1);
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('The operation was aborted by the caller');
    expect(adapter.calls).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});

describe('retry: budget', () => {
  it('stops retrying when the shared budget is spent, and resumes when it refills', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 0.2, windowMs: 10_000, clock }); // 2 retries / 10 s
    const gaveUp: GiveUpEvent[] = [];
    const script: AdapterStep[] = Array.from({ length: 20 }, serverError);
    const adapter = scriptedAdapter(script, { name: 'primary' });
    const use = [retry({ budget, jitter: 'none', initialDelayMs: 0, onGiveUp: (e) => gaveUp.push(e) })];
    const a = createClient({ adapter, clock, use });
    const b = createClient({ adapter, clock, use: [retry({ budget, jitter: 'none', initialDelayMs: 0 })] });
    await expect(clock.run(a.chat(req))).rejects.toThrow(ServerError); // 1 + 2 retries: budget spent
    expect(adapter.calls).toHaveLength(3);
    await expect(clock.run(b.chat(req))).rejects.toThrow(ServerError); // shares the budget: no retry
    expect(adapter.calls).toHaveLength(4);
    await expect(clock.run(a.chat(req))).rejects.toThrow(ServerError);
    expect(adapter.calls).toHaveLength(5);
    expect(gaveUp.map((e) => e.reason)).toEqual(['max-attempts', 'budget']);
    await clock.advanceAsync(10_000);
    await expect(clock.run(a.chat(req))).rejects.toThrow(ServerError);
    expect(adapter.calls).toHaveLength(8);
  });

  it('budgets each target separately by default (key = ctx.target.name)', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 0.1, windowMs: 10_000, clock }); // 1 retry / 10 s
    const primary = scriptedAdapter([serverError(), serverError(), serverError()], { name: 'primary' });
    const backup = scriptedAdapter([serverError(), serverError(), serverError()], { name: 'backup' });
    const pick = (adapter: Adapter): Middleware => async function pick(ctx, next) {
      ctx.target = adapter;
      await next();
    };
    const r = retry({ budget, initialDelayMs: 0 });
    await clock.run(createClient({ clock, use: [pick(primary), r] }).chat(req)).catch(() => {});
    await clock.run(createClient({ clock, use: [pick(backup), r] }).chat(req)).catch(() => {});
    expect([primary.calls.length, backup.calls.length]).toEqual([2, 2]);
    expect(budget.snapshot('primary')).toEqual({ requests: 1, retries: 1, available: 0 });
    expect(budget.snapshot('backup')).toEqual({ requests: 1, retries: 1, available: 0 });
  });

  it('without a budget option, a private budget (ratio 0.2, floor per second) runs on the retry clock', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter(Array.from({ length: 500 }, serverError), { name: 'primary' });
    const client = createClient({ adapter, clock, use: [retry({ clock, budget: { minRetriesPerSecond: 0.5 }, initialDelayMs: 0 })] });
    for (let i = 0; i < 5; i++) await clock.run(client.chat(req)).catch(() => {});
    expect(adapter.calls).toHaveLength(5 + 5); // floor: 0.5/s × 10 s = 5 retries in the window
    await clock.advanceAsync(10_000);
    await clock.run(client.chat(req)).catch(() => {});
    expect(adapter.calls).toHaveLength(13);
  });

});

describe('retry: streams', () => {
  it('retries a failure before the first content chunk', async () => {
    const { clock, client, adapter } = setup([{ error: serverError(), afterChunks: 0 }], { random: sequence(0.5) });
    const stream = client.stream(req);
    const text: string[] = [];
    await clock.run(
      (async () => {
        for await (const c of stream) text.push(c.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(text.join('')).toBe('Hello world!');
    expect(adapter.calls).toHaveLength(2);
    const { meta } = await stream.result;
    expect(meta.attemptLog.map((a) => [a.outcome, a.delayMs])).toEqual([['error', undefined], ['ok', 250]]);
  });

  it('never restarts a stream that already delivered content', async () => {
    const { clock, client, adapter, retried } = setup([{ error: serverError(), afterChunks: 1 }]);
    const text: string[] = [];
    const error = await clock
      .run(
        (async () => {
          for await (const c of client.stream(req)) text.push(c.choices[0]?.delta.content ?? '');
        })(),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toBe('The server had an error');
    expect(text.join('')).toBe('Hello');
    expect(adapter.calls).toHaveLength(1);
    expect(retried).toEqual([]);
  });
});

describe('retry: events and shape', () => {
  let listener: ((msg: unknown) => void) | undefined;
  afterEach(() => {
    if (listener) unsubscribe('lifeline:retry', listener);
    listener = undefined;
  });

  it('publishes each retry on lifeline:retry', async () => {
    const seen: RetryEvent[] = [];
    listener = (msg) => seen.push(msg as RetryEvent);
    subscribe('lifeline:retry', listener);
    const { clock, client } = setup([rateLimited(1_234)]);
    await clock.run(client.chat(req));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ key: 'primary', attempt: 1, delayMs: 1_234, source: 'retry-after' });
    expect(seen[0]?.error).toBeInstanceOf(RateLimitError);
    expect(seen[0]?.ctx.request.model).toBe('gpt-4.1');
  });

  it('returns a named middleware', () => {
    expect(retry().name).toBe('retry');
  });

  it.each([
    [{ maxAttempts: -1 }, 'retry: maxAttempts must be a positive integer, got -1'],
    [{ maxAttempts: 1.5 }, 'retry: maxAttempts must be a positive integer, got 1.5'],
    [{ maxRetryAfterMs: -1 }, 'retry: maxRetryAfterMs must be a non-negative number, got -1'],
    [{ minAttemptMs: Number.NaN }, 'retry: minAttemptMs must be a non-negative number, got NaN'],
    [{ initialDelayMs: -5 }, 'retry: initialDelayMs must be a non-negative number, got -5'],
    [{ jitter: 'some' as never }, "retry: jitter must be 'full', 'equal' or 'none', got some"],
    [{ retryOn: 'yes' as never }, 'retry: retryOn must be a function, got string'],
    [{ random: 4 as never }, 'retry: random must be a function, got number'],
    [{ budget: 3 as never }, 'retry: budget must be a RetryBudget, budget options or false, got 3'],
    [{ budget: { ratio: -1 } }, 'RetryBudget: ratio must be a non-negative number, got -1'],
    [{ backoff: {} as never }, 'retry: backoff must be an object with a delayMs(retry, random) method, got [object Object]'],
    [{ clock: {} as never }, 'retry: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
    [{ clock: null as never }, 'retry: clock must implement now(), setTimeout() and clearTimeout(), got null'],
    [{ clock: { now: () => 0 } as never }, 'retry: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
    [{ clock: { setTimeout: () => 0 } as never }, 'retry: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
    [{ backoff: null as never }, 'retry: backoff must be an object with a delayMs(retry, random) method, got null'],
    [{ onRetry: null as never }, 'retry: onRetry must be a function, got null'],
    [{ budget: null as never }, 'retry: budget must be a RetryBudget, budget options or false, got null'],
    [null as never, 'retry: options must be an object, got null'],
    ['fast' as never, 'retry: options must be an object, got string'],
  ])('rejects %o', (options, message) => {
    expect(() => retry(options)).toThrow(ConfigurationError);
    expect(() => retry(options)).toThrow(message);
  });

  it('uses a custom Backoff', async () => {
    const { clock, client } = setup([serverError(), serverError()], { backoff: { delayMs: (n) => n * 111 } });
    await clock.run(client.chat(req));
    expect(clock.delays).toEqual([111, 222]);
  });
});

describe('retry: timeouts with a failover above', () => {
  it('does not retry a TimeoutError on the same target while a failover has other targets left', async () => {
    const { ALTERNATIVES_LEFT, TimeoutError: TE, createClient: cc } = await import('@lifeline/core');
    let calls = 0;
    const adapter = {
      name: 'silent', kind: 'test',
      chat: async () => { calls++; throw new TE('no answer', { provider: 'silent' }); },
      stream: async () => { throw new Error('unused'); },
    };
    const withBackup = async (ctx: import('@lifeline/core').Context, next: import('@lifeline/core').Next) => {
      ctx.state[ALTERNATIVES_LEFT] = 1;
      await next();
    };
    const err = await cc({ adapter, use: [withBackup, retry({ random: () => 0 })] }).chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TE);
    expect(calls).toBe(1);
  });

  it('still retries a TimeoutError when no alternative is left', async () => {
    const { TimeoutError: TE, createClient: cc } = await import('@lifeline/core');
    let calls = 0;
    const adapter = {
      name: 'slow', kind: 'test',
      chat: async () => { calls++; if (calls === 1) throw new TE('slow', { provider: 'slow' }); return { id: 'x', object: 'chat.completion' as const, created: 0, model: 'm', choices: [] }; },
      stream: async () => { throw new Error('unused'); },
    };
    await cc({ adapter, use: [retry({ random: () => 0 })] }).chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(calls).toBe(2);
  });
});
