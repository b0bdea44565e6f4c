/**
 * `failover()`: when the primary fails, the caller still gets a complete, honest answer — and
 * knows who served it.
 * @module
 */
import type { EmbeddingRequest, Middleware } from '@lifeline/core';
import { checkEmbeddingFamilies, embeddingRoute } from './embedding-targets.js';
import { LatencyStats } from './latency.js';
import { guardStream } from './stream-guard.js';
import { type FailoverOptions, resolveOptions } from './options.js';
import { createStrategy } from './strategy.js';
import { type FailoverTarget, resolveTargets } from './target.js';
import { FailoverCall, type WalkOptions } from './walk.js';

/**
 * Tries `targets` in the order of a strategy until one answers. Place it above `retry()`,
 * `circuitBreaker()` and `timeout()`, which then act per target.
 *
 * Per attempt it sets `ctx.target` (named after the target; a target that swaps the model is
 * `<adapter name>:<model>` unless named), the request's model, and `ctx.state[ALTERNATIVES_LEFT]`
 * (how many other targets are still waiting, read by `retry()`), on a fork of the context — the
 * caller's context and request are never mutated. `'restart'` and `'continue'` re-attempt on a
 * new fork (`next(ctx.fork())`) after this middleware returned, while the caller reads the stream. Streams are primed, so any failure before the first content
 * token fails over and the caller sees one clean stream; after content, `midStream` decides.
 *
 * Embedding calls (`ctx.operation === 'embed'`) go only to targets whose vectors are comparable:
 * the same model as the first target with an embeddings API, or the same declared
 * `embeddingFamily` (with matching `dimensions`); targets without an embeddings API are skipped.
 *
 * On the way out: `meta.provider` / `meta.model` name who served, `meta.attemptLog` lists every
 * upstream request, `meta.failovers` counts moves to another target, `meta.hedges` (with
 * `hedgeAfterMs`) counts hedged attempts and `meta.midStream` describes a mid-stream break.
 *
 * @param targets - adapters, or `{ adapter, model?, weight?, maxContextTokens?, name?, embeddingFamily?, dimensions? }`
 * @param options - strategy, failover predicate, mid-stream policy, hedging
 * @returns the middleware
 * @throws {@link ConfigurationError} at setup for an empty target list, duplicate names or an invalid option
 * @throws at call time: the caller's `AbortError`; an error that does not fail over (as is when it was the
 * only failure); `FailoverError` when every target failed (`errors`, the most telling as `cause`,
 * `retryAfterMs`, `retryable`); `StreamInterruptedError` after partial content
 * @example
 * ```ts
 * const client = createClient({
 *   use: [
 *     failover([primary, { adapter: anthropicBackup, model: 'claude-sonnet-4.5' }], { midStream: 'restart' }),
 *     retry({ maxAttempts: 3 }),
 *     circuitBreaker(),
 *     timeout({ ms: 30_000, firstTokenMs: 10_000, idleMs: 15_000 }),
 *   ],
 * });
 * const { response, meta } = await client.chat({ model: 'gpt-4.1', messages });
 * console.log(meta.provider, meta.model, meta.failovers);
 * ```
 */
export function failover(targets: readonly FailoverTarget[], options: FailoverOptions = {}): Middleware {
  const resolved = resolveTargets(targets);
  checkEmbeddingFamilies(resolved);
  const o = resolveOptions(options);
  const stats = new LatencyStats(o.latencyAlpha);
  const strategy = createStrategy(o.strategy, { random: o.random, stats, staleMs: o.latencyStaleMs });
  const hedging = o.hedgeAfterMs !== undefined;
  // Latencies are read only by the least-latency strategy and by hedging: otherwise no attempt
  // reads the clock or records its latency.
  const timed = o.strategy === 'least-latency' || hedging ? stats : undefined;
  const plain: WalkOptions = { hedging };

  return async function failover(ctx, next) {
    const original = ctx.request;
    const embedding = ctx.operation === 'embed' ? embeddingRoute(resolved, original as unknown as EmbeddingRequest) : undefined;
    // Only the latency strategy reads the time (a clock read saved per call for the others).
    const call = new FailoverCall(ctx, next, strategy.order(resolved, strategy.name === 'least-latency' ? ctx.clock.now() : 0), o, timed);
    let winner;
    try {
      // Targets get the caller's request with their model (the walk's default): no options built per call.
      winner = await call.walk(embedding ? { hedging, accept: embedding.accept, verify: embedding.verify } : plain);
    } finally {
      ctx.meta.failovers = call.failovers;
      if (hedging) ctx.meta.hedges = call.hedges;
    }
    ctx.adopt(winner.child);
    ctx.meta.failovers = call.failovers;
    if (hedging) ctx.meta.hedges = call.hedges;
    if (ctx.stream) ctx.stream = guardStream(call, winner, original);
    else winner.child.dispose();
  };
}
