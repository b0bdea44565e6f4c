/**
 * A "gateway process" for the cross-process tests: a separate Node process running the BUILT
 * package (`@lifeline/redis` → dist) with real middleware over its own Redis connection. The test
 * drives it over IPC: `{ id, cmd, ...args }` in, `{ id, result }` or `{ id, error }` out.
 * Run by Node 24 directly (type stripping): erasable TypeScript only, no imports of test helpers.
 */
import { type Adapter, type ChatRequest, type Clock, createClient, ServerError } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { createRedisStores, type RedisStores } from '@lifeline/redis';

type Message = { id: number; cmd: string; [k: string]: unknown };

let stores: RedisStores | undefined;
const request: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'shared question' }], max_tokens: 1000 };
const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });

function adapter(options: { delayMs?: number; fail?: () => boolean; onCall?: () => void }): Adapter & { calls: number } {
  const a = {
    name: 'primary',
    kind: 'fake',
    calls: 0,
    async chat(req: ChatRequest) {
      a.calls++;
      options.onCall?.();
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

/** A clock running `speed` times faster than real time from the shared epoch `t0`. */
function scaledClock(t0: number, speed: number): Clock {
  return {
    now: () => t0 + (Date.now() - t0) * speed,
    setTimeout(fn, ms) {
      const t = setTimeout(fn, Math.max(0, ms / speed));
      t.unref();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

const errorName = (e: unknown) => (e instanceof Error ? e.constructor.name : String(e));
let breakerClient: ReturnType<typeof createClient> | undefined;
let breakerAdapter: ReturnType<typeof adapter> | undefined;
let breakerFailing = true;

const commands: Record<string, (m: Message) => Promise<unknown>> = {
  async init(m) {
    stores = createRedisStores({ url: m.url as string, prefix: m.prefix as string, timeoutMs: 1000 });
    if (!(await stores.ready(5000))) throw new Error('Redis not ready');
    breakerAdapter = adapter({ delayMs: 100, fail: () => breakerFailing });
    breakerClient = createClient({ adapter: breakerAdapter, use: [circuitBreaker({ failureThreshold: 3, breakDurationMs: m.breakDurationMs as number, store: stores.breaker })] });
    return process.pid;
  },
  async rateLimit(m) {
    const { t0, speed, rpm, endAt, concurrency } = m as unknown as { t0: number; speed: number; rpm: number; endAt: number; concurrency: number };
    const clock = scaledClock(t0, speed);
    const admitted: number[] = [];
    const client = createClient({ adapter: adapter({ onCall: () => admitted.push(clock.now()) }), use: [rateLimit({ rpm, store: stores!.rateLimit, clock, maxWaitMs: 600_000, adaptive: false })] });
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (clock.now() < endAt) await client.chat({ ...request, max_tokens: 10 });
    }));
    return admitted;
  },
  async breakerCall(m) {
    breakerFailing = m.failing as boolean;
    const before = breakerAdapter!.calls;
    const outcomes = await Promise.allSettled(Array.from({ length: m.n as number }, () => breakerClient!.chat(request)));
    return { upstreamCalls: breakerAdapter!.calls - before, outcomes: outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : errorName(o.reason))) };
  },
  async budget(m) {
    const up = adapter({ delayMs: 20 });
    const client = createClient({ adapter: up, use: [budget({ limitUsd: m.limitUsd as number, window: 'day', store: stores!.budget, catalog })] });
    const outcomes = await Promise.allSettled(Array.from({ length: m.n as number }, () => client.chat(request)));
    await stores!.flush(); // settlements are write-behind
    return { upstreamCalls: up.calls, outcomes: outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : errorName(o.reason))) };
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
