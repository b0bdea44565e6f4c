/**
 * Store operations per transition (each `get` and `compareAndSet` of a network store is one round
 * trip), with a synchronous and an asynchronous store; and the ordering guarantees behind the
 * success path that does not touch the store.
 */
import { AbortError, type ChatRequest, CircuitOpenError, createClient, ServerError } from '@lifeline/core';
import { type AdapterStep, fakeClock, scriptedAdapter } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { CountingStore, type StoreOps } from '../test/counting-store.js';
import { circuitBreaker } from './circuit-breaker.js';
import { failureRate } from './failure-rate.js';
import type { CircuitBreakerOptions } from './options.js';
import type { BreakerRecord } from './state.js';
import { MemoryBreakerStore } from './store.js';

const req: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };
const KEY = 'primary/gpt-4.1';
const down = () => new ServerError('Service unavailable', { provider: 'primary', status: 503 });
const ops = (get: number, compareAndSet = 0): StoreOps => ({ get, set: 0, compareAndSet });
type Mode = 'sync' | 'async';

/** A step that waits until `release()`, then answers. */
function gated() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { release, step: opened.then((): AdapterStep => 'ok') };
}

/** One process: a breaker over its own view (`CountingStore`) of `shared`, a client, a script. */
function processOn(shared: MemoryBreakerStore, mode: Mode, script: Array<AdapterStep | Promise<AdapterStep>>, options: CircuitBreakerOptions = {}) {
  const clock = fakeClock(0);
  const store = new CountingStore(shared, mode);
  const breaker = circuitBreaker({ clock, store, failureThreshold: 2, breakDurationMs: 1_000, ...options });
  const adapter = scriptedAdapter((_r, _c, n) => script[n] ?? 'ok', { name: 'primary', clock });
  const client = createClient({ adapter, clock, use: [breaker] });
  const call = (signal?: AbortSignal) => client.chat(req, { signal }).then(() => 'ok', (e: unknown) => e);
  const drain = async () => {
    for await (const chunk of client.stream(req)) void chunk;
  };
  /** Store operations made while `run()` runs. */
  const measure = async (run: () => Promise<unknown>): Promise<StoreOps> => {
    store.take();
    await run();
    return store.take();
  };
  const state = async () => (await breaker.snapshot())[KEY];
  return { clock, store, breaker, adapter, client, call, drain, measure, state };
}

type Proc = ReturnType<typeof processOn>;

interface Scenario {
  name: string;
  script: AdapterStep[];
  options?: CircuitBreakerOptions;
  /** Calls before the measured one (not counted). */
  before?: (p: Proc) => Promise<unknown>;
  run: (p: Proc) => Promise<unknown>;
  expected: StoreOps;
  /** The state after the measured call. */
  then: Record<string, unknown>;
}

const twice = async (p: Proc) => {
  await p.call();
  await p.call();
};
const opened = async (p: Proc) => {
  await twice(p);
  await p.clock.advanceAsync(1_000);
};

const scenarios: Scenario[] = [
  { name: 'closed: success, key never written', script: ['ok'], run: (p) => p.call(), expected: ops(1), then: { state: 'closed', failures: 0 } },
  { name: 'closed: success, zero failures counted', script: [down(), 'ok', 'ok'], before: twice, run: (p) => p.call(), expected: ops(1), then: { state: 'closed', failures: 0 } },
  { name: 'closed: failure below the threshold', script: [down()], run: (p) => p.call(), expected: ops(1, 1), then: { state: 'closed', failures: 1 } },
  { name: 'closed: success resetting a count', script: [down(), 'ok'], before: (p) => p.call(), run: (p) => p.call(), expected: ops(1, 1), then: { state: 'closed', failures: 0 } },
  { name: 'closed → open: failure reaching the threshold', script: [down(), down()], before: (p) => p.call(), run: (p) => p.call(), expected: ops(1, 1), then: { state: 'open', opens: 1 } },
  { name: 'open: rejected', script: [down(), down()], before: twice, run: (p) => p.call(), expected: ops(1), then: { state: 'open' } },
  { name: 'open → half-open → closed: probe succeeds', script: [down(), down(), 'ok'], before: opened, run: (p) => p.call(), expected: ops(1, 2), then: { state: 'closed', opens: 0 } },
  { name: 'open → half-open → open: probe fails', script: [down(), down(), down()], before: opened, run: (p) => p.call(), expected: ops(1, 2), then: { state: 'open', opens: 2 } },
  {
    name: 'closed: call aborted by the caller (counts nothing)',
    script: [{ hang: true }],
    run: async (p) => {
      const controller = new AbortController();
      const call = p.call(controller.signal);
      await p.clock.advanceAsync(1);
      controller.abort();
      expect(await call).toBeInstanceOf(AbortError);
    },
    expected: ops(1),
    then: { state: 'closed', failures: 0 },
  },
  { name: 'closed: stream success', script: ['ok'], run: (p) => p.drain(), expected: ops(1), then: { state: 'closed', failures: 0 } },
  { name: 'half-open → closed: probe stream (closes at first content; its end writes nothing)', script: [down(), down(), 'ok'], before: opened, run: (p) => p.drain(), expected: ops(1, 2), then: { state: 'closed' } },
  { name: 'failureRate, closed: success (one write per call)', script: ['ok'], options: { failureThreshold: undefined, policy: failureRate() }, run: (p) => p.call(), expected: ops(1, 1), then: { state: 'closed', successes: 1 } },
  { name: 'failureRate, closed: failure', script: [down()], options: { failureThreshold: undefined, policy: failureRate() }, run: (p) => p.call(), expected: ops(1, 1), then: { state: 'closed', failures: 1 } },
];

describe.each(['sync', 'async'] as const)('store operations per call (%s store)', (mode) => {
  it.each(scenarios)('$name', async (s) => {
    const p = processOn(new MemoryBreakerStore(), mode, s.script, s.options);
    await s.before?.(p);
    expect(await p.measure(() => s.run(p))).toEqual(s.expected);
    expect(await p.state()).toMatchObject(s.then);
  });

  it('half-open: a call while the probe is in flight is rejected after 1 get', async () => {
    const probe = gated();
    const p = processOn(new MemoryBreakerStore(), mode, [down(), down(), probe.step]);
    await opened(p);
    const probing = p.call();
    await p.clock.advanceAsync(0);
    expect(p.adapter.calls).toHaveLength(3);
    const ops1 = await p.measure(async () => {
      const error = await p.call();
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as Error).message).toBe(`Circuit breaker "${KEY}" is half-open with 1 probe(s) in flight; next probe in 60000 ms`);
    });
    expect(ops1).toEqual(ops(1));
    probe.release();
    expect(await probing).toBe('ok');
    expect(await p.state()).toMatchObject({ state: 'closed' });
  });

  it('isolate() while a call is in flight: its success reads again (1 get) and is ignored', async () => {
    const slow = gated();
    const p = processOn(new MemoryBreakerStore(), mode, [slow.step]);
    const a = p.call();
    await p.clock.advanceAsync(0);
    await p.breaker.isolate(KEY);
    slow.release();
    expect(await p.measure(() => a)).toEqual(ops(1));
    expect(await p.state()).toMatchObject({ state: 'isolated' });
    await p.breaker.reset(KEY);
    expect(await p.measure(() => p.call())).toEqual(ops(1));
    expect(await p.state()).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('a write that loses to another process: re-read and write again (2 gets + 2 compareAndSets)', async () => {
    const shared = new MemoryBreakerStore();
    const p = processOn(shared, mode, [down()], { policy: failureRate({ minimumThroughput: 100 }), failureThreshold: undefined });
    const theirs: BreakerRecord = { state: { name: 'closed', since: 0 }, policy: { buckets: [[0, 0, 1]] }, epoch: 0, opens: 0 };
    let interfere = 1;
    p.store.beforeCompareAndSet = (key) => {
      if (interfere-- > 0) shared.set(key, theirs);
    };
    expect(await p.measure(() => p.call())).toEqual(ops(2, 2));
    expect(await p.state()).toMatchObject({ failures: 1, successes: 1 });
    expect(shared.get(KEY)?.version).toBe(2);
  });
});

describe.each(['sync', 'async'] as const)('ordering of a success that does not touch the store (%s store)', (mode) => {
  it('in one process, a success settling after a concurrent failure still resets the count', async () => {
    const slow = gated();
    const p = processOn(new MemoryBreakerStore(), mode, [slow.step, down(), down()]);
    const a = p.call(); // acquired while the count is 0
    await p.clock.advanceAsync(0);
    expect(await p.call()).toBeInstanceOf(ServerError); // count 1
    const settle = await p.measure(async () => {
      slow.release();
      expect(await a).toBe('ok'); // resets the count: written against what this process knows
    });
    expect(settle).toEqual(ops(0, 1));
    expect(await p.call()).toBeInstanceOf(ServerError); // count 1 again, not 2
    expect(await p.state()).toMatchObject({ state: 'closed', failures: 1 });
  });

  it('across processes, a success is ordered at the last read its process made of the breaker', async () => {
    const shared = new MemoryBreakerStore();
    const slow = gated();
    const later = gated();
    const p = processOn(shared, mode, [slow.step, later.step]);
    const q = processOn(shared, mode, [down(), down(), down()]);
    const a = p.call(); // p reads: count 0
    await p.clock.advanceAsync(0);
    expect(await q.call()).toBeInstanceOf(ServerError); // count 1, unknown to p
    slow.release();
    expect(await p.measure(() => a)).toEqual(ops(0)); // p last read a zero count: its success is ordered there
    expect(await q.state()).toMatchObject({ failures: 1 });

    const b = p.call(); // p reads again and sees q's failure
    await p.clock.advanceAsync(0);
    expect(await q.call()).toBeInstanceOf(ServerError); // count 2: opens
    expect(await q.state()).toMatchObject({ state: 'open', opens: 1 });
    later.release();
    // b resets the count p knows (1): its write loses to q's, p reads the open breaker and ignores b.
    expect(await p.measure(() => b)).toEqual(ops(1, 1));
    expect(await q.state()).toMatchObject({ state: 'open' });
  });

  it('across processes, a success after this process read a failure resets the count', async () => {
    const shared = new MemoryBreakerStore();
    const slow = gated();
    const other = gated();
    const p = processOn(shared, mode, [slow.step, other.step]);
    const q = processOn(shared, mode, [down(), down()]);
    const a = p.call(); // p reads: count 0
    await p.clock.advanceAsync(0);
    expect(await q.call()).toBeInstanceOf(ServerError); // count 1
    const b = p.call(); // p reads: count 1
    await p.clock.advanceAsync(0);
    slow.release();
    expect(await p.measure(() => a)).toEqual(ops(0, 1)); // a resets the count it knows of
    expect(await q.call()).toBeInstanceOf(ServerError); // count 1, not 2
    expect(await q.state()).toMatchObject({ state: 'closed', failures: 1 });
    other.release();
    expect(await b).toBe('ok');
  });

  it('exactly one probe across processes when the break ends', async () => {
    const shared = new MemoryBreakerStore();
    const clock = fakeClock(0);
    const adapter = scriptedAdapter([down(), down(), { hang: true }], { name: 'primary', clock });
    const clients = [0, 1, 2].map(() => {
      const breaker = circuitBreaker({ clock, store: new CountingStore(shared, mode), failureThreshold: 2, breakDurationMs: 1_000 });
      return createClient({ adapter, clock, use: [breaker] });
    });
    for (const c of clients.slice(0, 2)) await expect(c.chat(req)).rejects.toThrow(ServerError);
    await clock.advanceAsync(1_000);
    const controllers = clients.map(() => new AbortController());
    const calls = clients.map((c, i) => c.chat(req, { signal: controllers[i]!.signal }).catch((e: unknown) => e));
    await clock.advanceAsync(0);
    expect(adapter.calls).toHaveLength(3); // one probe reached the provider
    for (const c of controllers) c.abort();
    const results = await Promise.all(calls);
    expect(results.filter((r) => r instanceof CircuitOpenError)).toHaveLength(2);
    expect(results.filter((r) => r instanceof AbortError)).toHaveLength(1);
  });
});
