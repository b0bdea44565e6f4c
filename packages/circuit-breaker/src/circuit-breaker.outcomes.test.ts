/**
 * How the middleware classifies what a call did (failure, success, neither), which clock it
 * reads and when, how it notes attempts it did not see logged at once, and how stream probes end.
 */
import {
  AbortError,
  BadRequestError,
  CircuitOpenError,
  type Clock,
  Context,
  createClient,
  errorMeta,
  type Middleware,
  ServerError,
} from '@lifeline/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AdapterStep, fakeClock, flush, scriptedAdapter } from '@lifeline/testing';
import type { BreakerAttemptRecord } from './attempt-record.js';
import { circuitBreaker } from './circuit-breaker.js';
import { failureRate } from './failure-rate.js';
import type { CircuitBreakerOptions } from './options.js';
import type { StateChange } from './state.js';
import { type BreakerStore, MemoryBreakerStore } from './store.js';

const KEY = 'primary/gpt-4.1';
const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };
const unavailable = () => new ServerError('Service unavailable', { provider: 'primary', status: 503 });
/** An inner middleware that fails locally, before any provider call. */
const failing = (error: unknown): Middleware => async function failing() {
  throw error;
};

function setup(script: AdapterStep[], options: CircuitBreakerOptions = {}, inner: Middleware[] = []) {
  const clock = fakeClock(0);
  const adapter = scriptedAdapter(script, { name: 'primary', clock });
  const breaker = circuitBreaker({ clock, ...options });
  const changes: StateChange[] = [];
  breaker.onStateChange((c) => changes.push(c));
  const client = createClient({ adapter, clock, use: [breaker, ...inner] });
  const call = () => client.chat(req).then(() => 'ok', (e: unknown) => e);
  const state = async () => (await breaker.snapshot())[KEY];
  return { clock, adapter, breaker, client, changes, call, state };
}

async function drain(stream: AsyncIterable<unknown>, stopAfter?: number): Promise<number> {
  let n = 0;
  for await (const _ of stream) if (++n === stopAfter) break;
  return n;
}

describe('circuitBreaker: classifying outcomes', () => {
  const counting = failureRate({ minimumThroughput: 100 });

  it('a request error (4xx) counts as a success: the provider answered', async () => {
    const { call, state } = setup([new BadRequestError('Invalid messages', { provider: 'primary', status: 400 })], { policy: counting });
    expect(await call()).toBeInstanceOf(BadRequestError);
    expect(await state()).toMatchObject({ successes: 1, failures: 0 });
  });

  it('a 4xx resets the consecutive count like a success', async () => {
    const bad = new BadRequestError('Invalid messages', { provider: 'primary', status: 400 });
    const { call, changes } = setup([unavailable(), bad, unavailable()], { failureThreshold: 2 });
    for (let i = 0; i < 3; i++) await call();
    expect(changes).toEqual([]);
  });

  it('a local error, or an error without a provider status, counts as neither', async () => {
    const local = setup([], { policy: counting }, [failing(new Error('local bug'))]);
    expect(await local.call()).toMatchObject({ message: 'local bug' });
    expect(await local.state()).toMatchObject({ successes: 0, failures: 0 });
    const statusless = setup([new BadRequestError('No status', { provider: 'primary' })], { policy: counting });
    expect(await statusless.call()).toBeInstanceOf(BadRequestError);
    expect(await statusless.state()).toMatchObject({ successes: 0, failures: 0 });
  });

  it('a failure that is not a LifelineError opens with the code "unknown"', async () => {
    const { call, state } = setup([], { failureThreshold: 1, isFailure: () => true }, [failing(new Error('socket hang up'))]);
    expect(await call()).toMatchObject({ message: 'socket hang up' });
    expect(await state()).toMatchObject({ state: 'open', lastErrorCode: 'unknown' });
  });

  it('never counts the caller’s abort, even when isFailure says every error is a failure', async () => {
    const { client, clock, changes } = setup([{ hang: true }], { failureThreshold: 1, isFailure: () => true });
    const controller = new AbortController();
    const call = client.chat(req, { signal: controller.signal });
    await clock.advanceAsync(1);
    controller.abort();
    await expect(call).rejects.toThrow(AbortError);
    expect(changes).toEqual([]);
  });

  it('never counts a stream the consumer stopped reading, even when isFailure says every error is a failure', async () => {
    const { client, state } = setup([], { policy: counting, isFailure: () => true });
    expect(await drain(client.stream(req), 1)).toBe(1);
    expect(await state()).toMatchObject({ successes: 0, failures: 0 });
  });

  it('the slow-call rule measures the call, not the time since the clock’s origin', async () => {
    const clock = fakeClock(5_000);
    const adapter = scriptedAdapter([{ delayMs: 50 }], { name: 'primary', clock });
    const breaker = circuitBreaker({ clock, failureThreshold: 1, slowCallMs: 100 });
    const client = createClient({ adapter, clock, use: [breaker] });
    const call = client.chat(req);
    await clock.advanceAsync(50);
    await call;
    expect((await breaker.snapshot())[KEY]).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe('circuitBreaker: clocks', () => {
  it('without a clock option, times breaks with the call’s clock', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter([unavailable()], { name: 'primary', clock });
    const breaker = circuitBreaker({ failureThreshold: 1, breakDurationMs: 1_000 });
    const client = createClient({ adapter, clock, use: [breaker] });
    await expect(client.chat(req)).rejects.toThrow(ServerError);
    await expect(client.chat(req)).rejects.toThrow(`Circuit breaker "${KEY}" is open; next probe in 1000 ms`);
    await clock.advanceAsync(1_000);
    await expect(client.chat(req)).resolves.toMatchObject({ response: { model: 'gpt-4.1' } });
  });

  /** The breaker's own clock, counting reads; the client keeps a separate one. */
  function countedBreaker(options: CircuitBreakerOptions, inner: Middleware[] = []) {
    const base = fakeClock(0);
    let reads = 0;
    const clock: Clock = { now: () => (reads++, base.now()), setTimeout: base.setTimeout, clearTimeout: base.clearTimeout };
    const breaker = circuitBreaker({ ...options, clock });
    const client = createClient({ adapter: scriptedAdapter([], { name: 'primary' }), clock: fakeClock(0), use: [breaker, ...inner] });
    return { client, reads: () => reads };
  }

  it('a success on a closed breaker with nothing to reset reads no time', async () => {
    const { client, reads } = countedBreaker({});
    await client.chat(req);
    await client.chat(req);
    expect(reads()).toBe(0);
  });

  it('an outcome that counts as neither reads no time', async () => {
    const { client, reads } = countedBreaker({ policy: failureRate() }, [failing(new Error('local bug'))]);
    await expect(client.chat(req)).rejects.toThrow('local bug');
    expect(reads()).toBe(0);
  });
});

describe('circuitBreaker: noting attempts', () => {
  /** An inner middleware that yields before calling on, so the attempt is logged later. */
  const yielding: Middleware = async function yielding(_ctx, next) {
    await Promise.resolve();
    await next();
  };
  const notes = (log: readonly unknown[]) => log.map((a) => [(a as BreakerAttemptRecord).breakerKey, (a as BreakerAttemptRecord).breakerState]);

  it('notes an attempt logged after it handed over (success and failure)', async () => {
    const { client } = setup(['ok', unavailable()], {}, [yielding]);
    const ok = await client.chat(req);
    expect(notes(ok.meta.attemptLog)).toEqual([[KEY, 'closed']]);
    const error = await client.chat(req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(notes(errorMeta(error)!.attemptLog)).toEqual([[KEY, 'closed']]);
  });

  it('a call that fails before any attempt is logged is not an error of the breaker', async () => {
    const { call } = setup([], {}, [failing(new Error('before any attempt'))]);
    expect(await call()).toMatchObject({ message: 'before any attempt' });
  });

  it('with two breakers, the attempt keeps the note of the one nearest to it', async () => {
    const outer = circuitBreaker({ key: () => 'outer' });
    const inner = circuitBreaker({ key: () => 'inner' });
    const client = createClient({ adapter: scriptedAdapter([], { name: 'primary' }), use: [outer, inner] });
    const ok = await client.chat(req);
    expect(notes(ok.meta.attemptLog)).toEqual([['inner', 'closed']]);
  });
});

describe('circuitBreaker: listeners, stores and bare contexts', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a listener that throws becomes a process warning; the others still hear the change', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const { breaker, call, changes } = setup([unavailable()], { failureThreshold: 1 });
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    const after: string[] = [];
    breaker.onStateChange((c) => after.push(c.to));
    await call();
    expect(warn).toHaveBeenCalledWith('circuitBreaker: an onStateChange listener threw: Error: listener bug', 'LifelineWarning');
    expect(changes.map((c) => c.to)).toEqual(['open']);
    expect(after).toEqual(['open']);
  });

  it('a failing call answers only once an asynchronous store has recorded it', async () => {
    const memory = new MemoryBreakerStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store: BreakerStore = {
      get: async (key) => memory.get(key),
      set: async (key, record) => memory.set(key, record),
      compareAndSet: async (key, version, record) => {
        await gate;
        return memory.compareAndSet(key, version, record);
      },
    };
    const { call } = setup([unavailable()], { failureThreshold: 1, store });
    let answered = false;
    const pending = call().then((r) => ((answered = true), r));
    await flush();
    expect(answered).toBe(false);
    release();
    expect(await pending).toBeInstanceOf(ServerError);
    expect(memory.get(KEY)?.record.state.name).toBe('open');
  });

  it('on a context without a target, keys default/<model> and names no provider', async () => {
    const breaker = circuitBreaker();
    await breaker.isolate('default/gpt-4.1');
    const ctx = new Context({ request: req });
    const error = await breaker(ctx, async () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).message).toBe('Circuit breaker "default/gpt-4.1" is isolated; call reset("default/gpt-4.1") to allow calls again');
    expect((error as CircuitOpenError).provider).toBeUndefined();
  });
});

describe('circuitBreaker: stream probes', () => {
  it('a probe stream that fails before its first content re-opens the breaker (probe failed)', async () => {
    const { client, clock, changes } = setup([unavailable(), { error: unavailable(), afterChunks: 0 }], { failureThreshold: 1, breakDurationMs: 1_000 });
    await expect(client.chat(req)).rejects.toThrow(ServerError);
    await clock.advanceAsync(1_000);
    await expect(drain(client.stream(req))).rejects.toThrow('Service unavailable');
    expect(changes.map((c) => [c.to, c.reason, c.breakMs])).toEqual([
      ['open', 'consecutive-failures', 1_000],
      ['half-open', 'break-elapsed', undefined],
      ['open', 'probe-failed', 2_000],
    ]);
  });

  it('a probe stream whose probe was cut short (reset meanwhile) streams on and counts nothing more', async () => {
    let resetDuringProbe = false;
    const resetting: Middleware = async function resetting(_ctx, next) {
      await next();
      if (resetDuringProbe) await breaker.reset(KEY);
    };
    const { client, clock, changes, breaker, state } = setup([unavailable()], { failureThreshold: 1, breakDurationMs: 1_000 }, [resetting]);
    await expect(client.chat(req)).rejects.toThrow(ServerError);
    await clock.advanceAsync(1_000);
    resetDuringProbe = true;
    expect(await drain(client.stream(req))).toBeGreaterThan(1);
    expect(changes.map((c) => [c.from, c.to, c.reason])).toEqual([
      ['closed', 'open', 'consecutive-failures'],
      ['open', 'half-open', 'break-elapsed'],
      ['half-open', 'closed', 'reset'],
    ]);
    expect(await state()).toMatchObject({ state: 'closed', failures: 0, opens: 0 });
  });

  it('with two probes in flight, an aborted one frees only its own slot', async () => {
    const hang: AdapterStep = { hang: true };
    const { client, clock, adapter } = setup([unavailable(), hang, hang, hang], { failureThreshold: 1, breakDurationMs: 1_000, halfOpenMaxProbes: 2 });
    await expect(client.chat(req)).rejects.toThrow(ServerError);
    await clock.advanceAsync(1_000);
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const probe = (i: number) => client.chat(req, { signal: controllers[i]!.signal }).catch((e: unknown) => e);
    const first = probe(0);
    const second = probe(1);
    await clock.advanceAsync(0);
    controllers[0]!.abort();
    expect(await first).toBeInstanceOf(AbortError);
    const third = probe(2);
    await clock.advanceAsync(0);
    expect(adapter.calls).toHaveLength(4);
    await expect(client.chat(req)).rejects.toThrow(`Circuit breaker "${KEY}" is half-open with 2 probe(s) in flight; next probe in 60000 ms`);
    controllers[1]!.abort();
    controllers[2]!.abort();
    expect(await second).toBeInstanceOf(AbortError);
    expect(await third).toBeInstanceOf(AbortError);
  });
});
