/**
 * A "gateway process" for the cross-process tests: a separate Node process running the BUILT
 * package (`@lifeline/redis` → dist) with real middleware over its own Redis connection. The test
 * drives it over IPC: `{ id, cmd, ...args }` in, `{ id, result }` or `{ id, error }` out.
 * Time is the test's: rate limits run on a virtual clock the test advances step by step, and the
 * breaker's clock is real time plus an offset the test moves — so a loaded machine changes how
 * long a test takes, never what it measures.
 * Run by Node 24 directly (type stripping): erasable TypeScript only, no imports of test helpers.
 */
import { type Adapter, type ChatRequest, type Clock, createClient, ServerError } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit, type RateLimitStore } from '@lifeline/rate-limit';
import { createRedisStores, type RedisStores } from '@lifeline/redis';

type Message = { id: number; cmd: string; [k: string]: unknown };

let stores: RedisStores | undefined;
const request: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'shared question' }], max_tokens: 1000 };
const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });

function adapter(options: { delayMs?: number; fail?: () => boolean; onCall?: () => void; gate?: () => Promise<void> | undefined }): Adapter & { calls: number } {
  const a = {
    name: 'primary',
    kind: 'fake',
    calls: 0,
    async chat(req: ChatRequest) {
      a.calls++;
      options.onCall?.();
      const gate = options.gate?.();
      if (gate) await gate;
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (options.fail?.()) throw new ServerError('upstream 503', { provider: 'primary', status: 503 });
      return {
        id: `chatcmpl-${process.pid}-${a.calls}`, object: 'chat.completion' as const, created: 1, model: req.model,
        choices: [{ index: 0, message: { role: 'assistant' as const, content: `answer from ${process.pid}` }, finish_reason: 'stop' as const, logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 900, total_tokens: 910 },
      };
    },
    async stream(): Promise<never> {
      throw new Error('not used');
    },
  };
  return a;
}

/** A clock that moves only when told: `advance(to)` fires the timers due by then, in order. */
class VirtualClock implements Clock {
  #timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #ids = 0;
  t: number;
  constructor(t: number) {
    this.t = t;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }
  advance(to: number): void {
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > to) break;
      this.#timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = Math.max(this.t, to);
  }
}

/** Real time plus an offset the test moves forward (`advanceBreakerClock`). */
let breakerOffset = 0;
const breakerClock: Clock = {
  now: () => Date.now() + breakerOffset,
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * A rate-limit store that counts its operations in flight, so that the worker can tell when
 * everything a clock step set off has finished (no operation in flight at a macrotask boundary:
 * only the virtual clock can wake anything now).
 */
function counted(store: RateLimitStore): RateLimitStore & { idle(): Promise<void> } {
  let inFlight = 0;
  let waiters: Array<() => void> = [];
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight++;
    return work.finally(() => {
      if (--inFlight === 0) for (const w of waiters.splice(0)) w();
    });
  };
  return {
    take: (req) => track(store.take(req)),
    peek: (req) => track(store.peek(req)),
    adjust: (key, delta, limits, now) => track(store.adjust(key, delta, limits, now)),
    observe: (key, window, now) => track(store.observe(key, window, now)),
    async idle() {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        if (inFlight === 0) return;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

const errorName = (e: unknown) => (e instanceof Error ? e.constructor.name : String(e));
let breakerClient: ReturnType<typeof createClient> | undefined;
let breakerAdapter: ReturnType<typeof adapter> | undefined;
let breakerFailing = true;
let breakerGate: { open: () => void; promise: Promise<void> } | undefined;
let onBreakerUpstream: (() => void) | undefined;
let heldBatch: Promise<string[]> | undefined;

let limiter: { clock: VirtualClock; store: ReturnType<typeof counted>; admitted: number[]; errors: string[]; stop: AbortController; loops: Promise<void> } | undefined;

const outcomesOf = (results: PromiseSettledResult<unknown>[]) => results.map((o) => (o.status === 'fulfilled' ? 'ok' : errorName(o.reason)));

const commands: Record<string, (m: Message) => Promise<unknown>> = {
  async init(m) {
    const target = m.target as { url: string } | { cluster: { rootNodes: string[] } };
    stores = createRedisStores({ ...target, prefix: m.prefix as string, timeoutMs: m.timeoutMs as number });
    if (!(await stores.ready(5000))) throw new Error('Redis not ready');
    breakerAdapter = adapter({
      fail: () => breakerFailing,
      onCall: () => onBreakerUpstream?.(),
      gate: () => breakerGate?.promise,
    });
    breakerClient = createClient({
      adapter: breakerAdapter,
      use: [circuitBreaker({ failureThreshold: 3, breakDurationMs: m.breakDurationMs as number, clock: breakerClock, store: stores.breaker })],
    });
    return process.pid;
  },
  /** Counters of every store and the connection (to prove nothing fell back). */
  async stats() {
    return stores!.stats();
  },
  /** Starts `concurrency` callers looping through rateLimit() on a virtual clock at `t0`. */
  async rateLimitStart(m) {
    const { t0, rpm, concurrency } = m as unknown as { t0: number; rpm: number; concurrency: number };
    const clock = new VirtualClock(t0);
    const store = counted(stores!.rateLimit);
    const admitted: number[] = [];
    const errors: string[] = [];
    const stop = new AbortController();
    const client = createClient({ adapter: adapter({ onCall: () => admitted.push(clock.now()) }), use: [rateLimit({ rpm, store, clock, maxWaitMs: 600_000, adaptive: false })] });
    const loop = async () => {
      while (!stop.signal.aborted) {
        try {
          await client.chat({ ...request, max_tokens: 10 }, { signal: stop.signal });
        } catch (error) {
          if (!stop.signal.aborted) errors.push(errorName(error));
        }
      }
    };
    limiter = { clock, store, admitted, errors, stop, loops: Promise.all(Array.from({ length: concurrency }, loop)).then(() => {}) };
    await store.idle();
    return admitted.length;
  },
  /** Moves the virtual clock to `to` and answers once everything that set off has finished. */
  async advance(m) {
    limiter!.clock.advance(m.to as number);
    await limiter!.store.idle();
    return limiter!.admitted.length;
  },
  /** Stops the callers; answers the virtual time of every admission, and any errors. */
  async rateLimitStop() {
    const { stop, loops, admitted, errors } = limiter!;
    stop.abort();
    await loops;
    limiter = undefined;
    return { admitted, errors };
  },
  /** Moves the breaker's clock forward by `ms`. */
  async advanceBreakerClock(m) {
    breakerOffset += m.ms as number;
    return breakerOffset;
  },
  /**
   * Makes `n` concurrent breaker calls. With `hold`, successful calls wait upstream until
   * `breakerRelease`; it answers once every call was refused or reached upstream.
   */
  async breakerCall(m) {
    breakerFailing = m.failing as boolean;
    const n = m.n as number;
    const before = breakerAdapter!.calls;
    if (!m.hold) {
      const results = await Promise.allSettled(Array.from({ length: n }, () => breakerClient!.chat(request)));
      return { upstreamCalls: breakerAdapter!.calls - before, outcomes: outcomesOf(results) };
    }
    let open!: () => void;
    breakerGate = { open: () => open(), promise: new Promise<void>((r) => (open = r)) };
    let left = n;
    let decided!: () => void;
    const allDecided = new Promise<void>((r) => (decided = r));
    const tick = () => {
      if (--left === 0) decided();
    };
    onBreakerUpstream = tick;
    const calls = Array.from({ length: n }, () => breakerClient!.chat(request));
    for (const call of calls) call.catch(tick);
    await allDecided;
    onBreakerUpstream = undefined;
    heldBatch = Promise.allSettled(calls).then(outcomesOf);
    return { upstreamCalls: breakerAdapter!.calls - before };
  },
  /** Lets held calls go; answers the outcomes of the held batch. */
  async breakerRelease() {
    breakerGate?.open();
    breakerGate = undefined;
    const outcomes = await heldBatch!;
    heldBatch = undefined;
    return { outcomes };
  },
  async budget(m) {
    const up = adapter({ delayMs: 20 });
    const client = createClient({ adapter: up, use: [budget({ limitUsd: m.limitUsd as number, window: 'day', store: stores!.budget, catalog })] });
    const outcomes = await Promise.allSettled(Array.from({ length: m.n as number }, () => client.chat(request)));
    await stores!.flush(); // in case the middleware did not wait for its settlements
    return { upstreamCalls: up.calls, outcomes: outcomesOf(outcomes) };
  },
  async cache(m) {
    const up = adapter({ delayMs: m.delayMs as number });
    const client = createClient({ adapter: up, use: [stores!.singleFlight, cache({ ttlMs: 60_000, store: stores!.cache })] });
    const results = await Promise.all(Array.from({ length: m.n as number }, () => client.chat(request)));
    return { upstreamCalls: up.calls, statuses: results.map((r) => r.meta.cache), contents: results.map((r) => r.response.choices[0]!.message.content) };
  },
  async close() {
    await stores?.close();
    setImmediate(() => process.disconnect());
    return 'closed';
  },
};

process.on('message', (m: Message) => {
  const run = commands[m.cmd];
  if (!run) return process.send!({ id: m.id, error: `unknown command ${m.cmd}` });
  run(m).then(
    (result) => process.send!({ id: m.id, result }),
    (error: unknown) => process.send!({ id: m.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
process.send!({ id: 0, result: 'up' });
