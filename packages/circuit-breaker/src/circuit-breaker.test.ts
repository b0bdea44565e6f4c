import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AbortError,
  BadRequestError,
  CircuitOpenError,
  ConfigurationError,
  createClient,
  errorMeta,
  type Meta,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@lifeline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterStep, fakeClock, scriptedAdapter } from '@lifeline/testing';
import type { BreakerAttemptRecord } from './attempt-record.js';
import { circuitBreaker } from './circuit-breaker.js';
import { failureRate } from './failure-rate.js';
import type { CircuitBreakerOptions } from './options.js';
import type { StateChange } from './state.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };
const unavailable = () => new ServerError('Service unavailable', { provider: 'primary', status: 503 });

function setup(script: AdapterStep[], options: CircuitBreakerOptions = {}) {
  const clock = fakeClock(0);
  const adapter = scriptedAdapter(script, { name: 'primary', clock });
  const breaker = circuitBreaker({ clock, ...options });
  const changes: StateChange[] = [];
  breaker.onStateChange((c) => changes.push(c));
  const client = createClient({ adapter, clock, use: [breaker] });
  const call = (request = req) => client.chat(request).then(
    () => 'ok',
    (e: unknown) => e,
  );
  return { clock, adapter, breaker, client, changes, call };
}

describe('circuitBreaker: transitions', () => {
  it('opens after 5 failures in a row, then rejects without calling the provider', async () => {
    const { adapter, breaker, changes, call, clock } = setup(Array.from({ length: 5 }, unavailable));
    for (let i = 0; i < 5; i++) expect(await call()).toBeInstanceOf(ServerError);
    await clock.advanceAsync(1_234);
    const error = await call();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).message).toBe('Circuit breaker "primary/gpt-4.1" is open; next probe in 28766 ms');
    expect((error as CircuitOpenError).retryAfterMs).toBe(28_766);
    expect((error as CircuitOpenError).provider).toBe('primary');
    expect(adapter.calls).toHaveLength(5);
    expect(changes).toEqual([{ key: 'primary/gpt-4.1', from: 'closed', to: 'open', reason: 'consecutive-failures', at: 0, breakMs: 30_000 }]);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toEqual({
      state: 'open', since: 0, opens: 1, failures: 0, successes: 0, nextProbeAt: 30_000, reason: 'consecutive-failures', lastErrorCode: 'server',
    });
  });

  it('notes its key and state on each attempt it lets through, and names itself in the CircuitOpenError', async () => {
    const { client, clock } = setup([unavailable(), unavailable(), 'ok'], { failureThreshold: 2, breakDurationMs: 1_000 });
    const metas: Array<Meta | undefined> = [];
    const record = (p: Promise<{ meta: Meta }>) => p.then((r) => metas.push(r.meta), (e: unknown) => (e instanceof CircuitOpenError ? e : metas.push(errorMeta(e))));
    await record(client.chat(req));
    await record(client.chat(req));
    const refused = await record(client.chat(req));
    await clock.advanceAsync(1_000);
    await record(client.chat(req));
    expect(metas.map((m) => m?.attemptLog.map((a) => [(a as BreakerAttemptRecord).breakerKey, (a as BreakerAttemptRecord).breakerState]))).toEqual([
      [['primary/gpt-4.1', 'closed']],
      [['primary/gpt-4.1', 'closed']],
      [['primary/gpt-4.1', 'half-open']],
    ]);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect([(refused as CircuitOpenError).breakerKey, (refused as CircuitOpenError).breakerState]).toEqual(['primary/gpt-4.1', 'open']);
  });

  it('probes after the break; a successful probe closes it (closed → open → half-open → closed)', async () => {
    const { adapter, changes, call, clock } = setup([unavailable(), unavailable()], { failureThreshold: 2, breakDurationMs: 1_000 });
    await call();
    await call();
    await clock.advanceAsync(1_000);
    expect(await call()).toBe('ok');
    expect(await call()).toBe('ok');
    expect(adapter.calls).toHaveLength(4);
    expect(changes.map((c) => [c.from, c.to, c.reason, c.at])).toEqual([
      ['closed', 'open', 'consecutive-failures', 0],
      ['open', 'half-open', 'break-elapsed', 1_000],
      ['half-open', 'closed', 'probe-succeeded', 1_000],
    ]);
  });

  it('a failed probe re-opens for a doubled break (half-open → open)', async () => {
    const { adapter, changes, call, clock } = setup(Array.from({ length: 3 }, unavailable), { failureThreshold: 2, breakDurationMs: 1_000 });
    await call();
    await call();
    await clock.advanceAsync(1_000);
    expect(await call()).toBeInstanceOf(ServerError);
    await clock.advanceAsync(1_999);
    expect(await call()).toBeInstanceOf(CircuitOpenError);
    await clock.advanceAsync(1);
    expect(await call()).toBe('ok');
    expect(adapter.calls).toHaveLength(4);
    expect(changes.map((c) => [c.to, c.reason, c.breakMs])).toEqual([
      ['open', 'consecutive-failures', 1_000],
      ['half-open', 'break-elapsed', undefined],
      ['open', 'probe-failed', 2_000],
      ['half-open', 'break-elapsed', undefined],
      ['closed', 'probe-succeeded', undefined],
    ]);
  });

  it('stays open for the provider’s Retry-After when it is longer than the break', async () => {
    const limited = new RateLimitError('Rate limited', { provider: 'primary', status: 429, retryAfterMs: 45_000 });
    const { call, changes, clock } = setup([limited], { failureThreshold: 1 });
    await call();
    expect(changes[0]).toMatchObject({ to: 'open', breakMs: 45_000 });
    await clock.advanceAsync(44_999);
    expect((await call() as CircuitOpenError).retryAfterMs).toBe(1);
  });

  it('half-open: one probe at a time, others rejected with the time until the probe is abandoned', async () => {
    const { adapter, breaker, call, client, clock } = setup([unavailable(), { hang: true }], { failureThreshold: 1, breakDurationMs: 1_000, probeTimeoutMs: 5_000 });
    await call();
    await clock.advanceAsync(1_000);
    const controller = new AbortController();
    const probe = client.chat(req, { signal: controller.signal }).catch((e: unknown) => e); // hangs
    await clock.advanceAsync(10);
    const rejected = await call();
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect((rejected as Error).message).toBe('Circuit breaker "primary/gpt-4.1" is half-open with 1 probe(s) in flight; next probe in 4990 ms');
    expect((rejected as CircuitOpenError).retryAfterMs).toBe(4_990);
    expect(adapter.calls).toHaveLength(2);
    await clock.advanceAsync(4_990); // the hung probe is abandoned: the next call probes
    expect(await call()).toBe('ok');
    expect(adapter.calls).toHaveLength(3);
    controller.abort(); // the abandoned probe ends late: ignored
    expect(await probe).toBeInstanceOf(AbortError);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ state: 'closed', opens: 0 });
  });

  it('isolate() rejects every call until reset()', async () => {
    const { adapter, breaker, call, changes } = setup([]);
    await breaker.isolate('primary/gpt-4.1');
    const error = await call();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as Error).message).toBe('Circuit breaker "primary/gpt-4.1" is isolated; call reset("primary/gpt-4.1") to allow calls again');
    expect((error as CircuitOpenError).retryAfterMs).toBeUndefined();
    await breaker.reset('primary/gpt-4.1');
    expect(await call()).toBe('ok');
    expect(adapter.calls).toHaveLength(1);
    expect(changes.map((c) => [c.from, c.to, c.reason])).toEqual([
      ['closed', 'isolated', 'isolated'],
      ['isolated', 'closed', 'reset'],
    ]);
  });

  it('reset() closes an open breaker and ignores late outcomes of the earlier period', async () => {
    const { breaker, call, adapter } = setup([unavailable(), unavailable()], { failureThreshold: 2 });
    await call();
    await call();
    await breaker.reset('primary/gpt-4.1');
    expect(await call()).toBe('ok');
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ state: 'closed', opens: 0 });
    expect(adapter.calls).toHaveLength(3);
  });
});

describe('circuitBreaker: what counts', () => {
  it('keys breakers by target and model by default', async () => {
    const { call, breaker } = setup([unavailable()], { failureThreshold: 1 });
    await call();
    expect(await call()).toBeInstanceOf(CircuitOpenError);
    expect(await call({ ...req, model: 'gpt-4.1-mini' })).toBe('ok');
    const snap = await breaker.snapshot();
    expect(Object.keys(snap)).toEqual(['primary/gpt-4.1', 'primary/gpt-4.1-mini']);
    expect(snap['primary/gpt-4.1-mini']?.state).toBe('closed');
  });

  it('never counts request errors (4xx) as failures', async () => {
    const script = Array.from({ length: 6 }, () => new BadRequestError('Invalid messages', { provider: 'primary', status: 400 }));
    const { call, adapter, changes } = setup(script, { failureThreshold: 2 });
    for (let i = 0; i < 7; i++) await call();
    expect(adapter.calls).toHaveLength(7);
    expect(changes).toEqual([]);
  });

  it('a success resets the consecutive count', async () => {
    const { call, changes } = setup([unavailable(), 'ok', unavailable(), 'ok'], { failureThreshold: 2 });
    for (let i = 0; i < 4; i++) await call();
    expect(changes).toEqual([]);
  });

  it('never counts the caller’s abort', async () => {
    const { client, adapter, changes, clock } = setup([{ hang: true }, { hang: true }], { failureThreshold: 1 });
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      const call = client.chat(req, { signal: controller.signal });
      await clock.advanceAsync(1);
      controller.abort();
      await expect(call).rejects.toThrow(AbortError);
    }
    expect(adapter.calls).toHaveLength(2);
    expect(changes).toEqual([]);
  });

  it('counts timeouts of an attempt', async () => {
    const timedOut = new TimeoutError('attempt timed out', { provider: 'primary', kind: 'total', timeoutMs: 10 });
    const { call, changes } = setup([timedOut], { failureThreshold: 1 });
    await call();
    expect(changes.map((c) => c.to)).toEqual(['open']);
  });

  it('failureRate policy: opens on the ratio once the minimum throughput is reached', async () => {
    const script: AdapterStep[] = ['ok', unavailable(), 'ok', unavailable()];
    const { call, changes } = setup(script, { policy: failureRate({ threshold: 0.5, minimumThroughput: 4, windowMs: 10_000 }) });
    for (let i = 0; i < 3; i++) await call();
    expect(changes).toEqual([]);
    await call();
    expect(changes.map((c) => [c.to, c.reason])).toEqual([['open', 'failure-rate']]);
  });

  it('slow-call rule: a success slower than slowCallMs counts as a failure', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter([], { name: 'primary' });
    const slow = (ms: number) => async function slow(_ctx: unknown, next: () => Promise<void>) {
      await next();
      await clock.advanceAsync(ms);
    };
    const breaker = circuitBreaker({ clock, failureThreshold: 1, slowCallMs: 100 });
    const fast = createClient({ adapter, clock, use: [breaker, slow(100)] });
    await fast.chat(req);
    expect((await breaker.snapshot())['primary/gpt-4.1']?.state).toBe('closed');
    const sluggish = createClient({ adapter, clock, use: [breaker, slow(101)] });
    await sluggish.chat(req);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ state: 'open', lastErrorCode: 'slow_call' });
  });
});

describe('circuitBreaker: streams', () => {
  async function drain(stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>, stopAfter?: number) {
    let text = '';
    let n = 0;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (++n === stopAfter) break;
    }
    return text;
  }

  it('counts a failure after content (recorded when the stream ends)', async () => {
    const { client, breaker, changes } = setup([{ error: unavailable(), afterChunks: 2 }], { failureThreshold: 1 });
    const stream = client.stream(req);
    await expect(drain(stream)).rejects.toThrow('Service unavailable');
    expect(changes.map((c) => [c.to, c.reason])).toEqual([['open', 'consecutive-failures']]);
    expect((await breaker.snapshot())['primary/gpt-4.1']?.lastErrorCode).toBe('server');
  });

  it('counts a failure before content', async () => {
    const { client, changes } = setup([unavailable()], { failureThreshold: 1 });
    await expect(drain(client.stream(req))).rejects.toThrow(ServerError);
    expect(changes.map((c) => c.to)).toEqual(['open']);
  });

  it('records success at the end of the stream, and nothing when the consumer stops early', async () => {
    const policy = failureRate({ minimumThroughput: 100 });
    const { client, breaker } = setup([], { policy });
    const stream = client.stream(req);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ successes: 0, failures: 0 });
    while (!(await it.next()).done);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ successes: 1, failures: 0 });
    await drain(client.stream(req), 2);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ successes: 1, failures: 0 });
  });

  it('a probe stream closes the breaker at its first content chunk, not at its end', async () => {
    const { client, call, clock, changes } = setup([unavailable()], { failureThreshold: 1, breakDurationMs: 1_000 });
    await call();
    await clock.advanceAsync(1_000);
    const stream = client.stream(req);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
    expect(await call()).toBe('ok'); // not rejected while the probe stream is still open
    await it.return?.(undefined);
  });
});

describe('circuitBreaker: events and shape', () => {
  let listener: ((msg: unknown) => void) | undefined;
  afterEach(() => {
    if (listener) unsubscribe('lifeline:breaker', listener);
  });

  it('publishes transitions on lifeline:breaker; onStateChange returns a disposer', async () => {
    const seen: unknown[] = [];
    listener = (msg) => seen.push(msg);
    subscribe('lifeline:breaker', listener);
    const clock = fakeClock(0);
    const breaker = circuitBreaker({ clock, failureThreshold: 1 });
    const local: StateChange[] = [];
    const dispose = breaker.onStateChange((c) => local.push(c));
    dispose();
    const client = createClient({ adapter: scriptedAdapter([unavailable()], { name: 'primary' }), clock, use: [breaker] });
    await client.chat(req).catch(() => {});
    expect(seen).toEqual([{ key: 'primary/gpt-4.1', from: 'closed', to: 'open', reason: 'consecutive-failures', at: 0, breakMs: 30_000 }]);
    expect(local).toEqual([]);
  });

  it('is a named middleware carrying its management methods', () => {
    const breaker = circuitBreaker();
    expect(breaker.name).toBe('circuitBreaker');
    expect(typeof breaker.snapshot).toBe('function');
    expect(typeof breaker.isolate).toBe('function');
    expect(typeof breaker.reset).toBe('function');
  });

  it.each([
    [{ failureThreshold: 0 }, 'circuitBreaker: failureThreshold must be a positive integer, got 0'],
    [{ breakDurationMs: -1 }, 'circuitBreaker: breakDurationMs must be a positive number, got -1'],
    [{ breakDurationMs: 10_000, maxBreakDurationMs: 5_000 }, 'circuitBreaker: maxBreakDurationMs (5000) must be ≥ breakDurationMs (10000)'],
    [{ halfOpenMaxProbes: 1.5 }, 'circuitBreaker: halfOpenMaxProbes must be a positive integer, got 1.5'],
    [{ probeTimeoutMs: 0 }, 'circuitBreaker: probeTimeoutMs must be a positive number, got 0'],
    [{ slowCallMs: Number.NaN }, 'circuitBreaker: slowCallMs must be a positive number, got NaN'],
    [{ key: 'x' as never }, 'circuitBreaker: key must be a function, got string'],
    [{ failureThreshold: 3, policy: failureRate() }, 'circuitBreaker: give either failureThreshold or policy, not both'],
    [{ store: {} as never }, 'circuitBreaker: store must implement get(), got undefined'],
    [{ policy: { name: 'x' } as never }, 'circuitBreaker: policy must implement initial(), got undefined'],
  ])('rejects %o', (options, message) => {
    expect(() => circuitBreaker(options)).toThrow(ConfigurationError);
    expect(() => circuitBreaker(options)).toThrow(message);
  });
});

describe('circuitBreaker: default key', () => {
  it('uses target/model, and a model-swapped failover target name as is', async () => {
    const { BREAKER_DEFAULTS } = await import('./options.js');
    const { Context } = await import('@lifeline/core');
    const ctx = (name: string, model: string) => {
      const c = new Context({ request: { model, messages: [{ role: 'user', content: 'x' }] } });
      c.target = { name, kind: 'test', chat: async () => { throw new Error('unused'); }, stream: async () => { throw new Error('unused'); } };
      return c;
    };
    expect(BREAKER_DEFAULTS.key(ctx('primary', 'gpt-4.1'))).toBe('primary/gpt-4.1');
    expect(BREAKER_DEFAULTS.key(ctx('claude:claude-sonnet-4.5', 'claude-sonnet-4.5'))).toBe('claude:claude-sonnet-4.5');
  });
});
