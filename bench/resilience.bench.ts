/**
 * Per-call overhead of Lifeline's `retry() + circuitBreaker()` on the success path, against
 * cockatiel's `wrap(retry, circuitBreaker)` around the same async function, in the same run.
 *
 * Run from the repo root (after building core, retry and circuit-breaker):
 *
 *   npx node bench/resilience.bench.ts            # Node 24 strips the types itself
 *   ROUNDS=50 npx node bench/resilience.bench.ts  # more rounds on a noisy machine
 *
 * Two settings, each with its own baseline:
 * - `function`: the protected work is a bare async function (the terminal just sets
 *   `ctx.response`). Overhead = time per call − the bare function.
 * - `terminal`: the work is core's real terminal around an in-process adapter (it logs the
 *   attempt, as in production). Overhead = time per call − the terminal alone; cockatiel wraps
 *   the same terminal call.
 *
 * Both stacks use their defaults (Lifeline: retry budget on, memory breaker store, consecutive
 * policy; cockatiel: exponential backoff, consecutive breaker). mitata prints its usual table; the
 * ratio is computed from interleaved rounds, keeping each variant's fastest round (robust to a
 * busy machine). Target: Lifeline ≤ 1× cockatiel.
 * @module
 */
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { type Adapter, type ChatResponse, compose, Context, createTerminal, type Next } from '@lifeline/core';
import { retry } from '@lifeline/retry';
import {
  ConsecutiveBreaker,
  circuitBreaker as cockatielBreaker,
  ExponentialBackoff,
  handleAll,
  retry as cockatielRetry,
  wrap,
} from 'cockatiel';
import { bench, do_not_optimize, group, run } from 'mitata';

const response: ChatResponse = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4.1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};
const request = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };

/** The protected work: the same async function for both stacks. */
const work = async (): Promise<ChatResponse> => response;
const adapter: Adapter = { name: 'primary', kind: 'bench', chat: work, stream: () => Promise.reject(new Error('unused')) };

const lifeline = compose([retry(), circuitBreaker()]);
const cockatiel = wrap(
  cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
  cockatielBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
);

// Setting 1: a bare async function. The context is created once: creating it is the client's
// cost, not the middleware's.
const fnCtx = new Context({ request, target: adapter });
const fnTerminal: Next = async (ctx) => {
  ctx!.response = await work();
};
// Setting 2: core's real terminal (attempt logging included), the log cleared between calls.
const realTerminal = createTerminal(adapter);
const termCtx = new Context({ request, target: adapter });

const variants: Record<string, () => Promise<unknown>> = {
  'function: bare': () => work(),
  'function: lifeline retry+breaker': async () => {
    fnCtx.response = undefined;
    await lifeline(fnCtx, fnTerminal);
  },
  'function: cockatiel wrap(retry, breaker)': () => cockatiel.execute(work),
  'terminal: bare': async () => {
    termCtx.meta.attemptLog.length = 0;
    await realTerminal(termCtx);
  },
  'terminal: lifeline retry+breaker': async () => {
    termCtx.meta.attemptLog.length = 0;
    await lifeline(termCtx, realTerminal);
  },
  'terminal: cockatiel wrap(retry, breaker)': () =>
    cockatiel.execute(() => {
      termCtx.meta.attemptLog.length = 0;
      return realTerminal(termCtx);
    }),
};

for (const setting of ['function', 'terminal']) {
  group(setting, () => {
    for (const [name, fn] of Object.entries(variants)) {
      if (name.startsWith(setting)) bench(name, async () => do_not_optimize(await fn()));
    }
  });
}
await run();

// Interleaved rounds, fastest round per variant.
const ROUNDS = Number(process.env.ROUNDS ?? 25);
const N = 20_000;
const best: Record<string, number> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(variants)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn();
    best[name] = Math.min(best[name] ?? Infinity, Number(process.hrtime.bigint() - t0) / N);
  }
}
console.log(`\nfastest of ${ROUNDS} interleaved rounds × ${N} calls (ns per call):`);
for (const setting of ['function', 'terminal']) {
  const base = best[`${setting}: bare`]!;
  const ours = best[`${setting}: lifeline retry+breaker`]! - base;
  const theirs = best[`${setting}: cockatiel wrap(retry, breaker)`]! - base;
  console.log(
    `  ${setting.padEnd(8)} baseline ${base.toFixed(0)} · overhead lifeline ${ours.toFixed(0)} · cockatiel ${theirs.toFixed(0)} → ${(ours / theirs).toFixed(2)}× cockatiel (target ≤ 1×)`,
  );
}
