/**
 * One attempt on one target: the rest of the onion runs on a fork of the context, and a stream is
 * primed so that a failure before its first content token surfaces here.
 * @module
 */
import { ALTERNATIVES_LEFT, AbortError, type ChatChunk, type ChatRequest, type Context, type Next, primeStream } from '@lifeline/core';
import type { LatencyStats } from './latency.js';
import type { ResolvedTarget } from './target.js';

/** An attempt on one target (which may retry below failover). */
export interface Attempt {
  readonly target: ResolvedTarget;
  /** The fork the attempt ran on; holds its response or primed stream. */
  readonly child: Context;
  /** Started by hedging. */
  readonly hedge: boolean;
  readonly startedAt: number;
  /** Settles (never rejects) once the attempt answered, delivered its first token, or failed. */
  readonly done: Promise<Outcome>;
  /** Set when another attempt won the race, or the call ended without it. */
  lost: boolean;
}

/** How an attempt ended. */
export type Outcome = { attempt: Attempt; ok: true } | { attempt: Attempt; ok: false; error: unknown };

/** What {@link launch} needs. */
export interface LaunchInput {
  ctx: Context;
  next: Next;
  target: ResolvedTarget;
  request: ChatRequest;
  hedge: boolean;
  /** Other targets failover would still try after this one: set as `child.state[ALTERNATIVES_LEFT]`. */
  alternatives: number;
  stats: LatencyStats;
  failurePenaltyMs: number;
  /** Wraps the attempt's stream before it is primed (a regeneration passes on only what follows the delivered text). */
  wrap?: ((stream: AsyncIterable<ChatChunk>) => AsyncIterable<ChatChunk>) | undefined;
  /** Checks the answer once the rest of the onion returned; a throw fails the attempt. */
  verify?: ((child: Context, target: ResolvedTarget) => void) | undefined;
}

/**
 * Starts an attempt on a fork of `ctx` (`target` = the target's adapter, `request` = its request,
 * `state[ALTERNATIVES_LEFT]` = how many other targets are still waiting, so `retry()` below can
 * leave a silent target to failover instead of waiting out its timeout again).
 * Records its latency (a penalty when it fails on its own), marks a hedge's attempt records
 * `hedge: true`, and disposes the fork unless it won.
 */
export function launch({ ctx, next, target, request, hedge, alternatives, stats, failurePenaltyMs, wrap, verify }: LaunchInput): Attempt {
  const clock = ctx.clock;
  const child = ctx.fork();
  child.target = target.target;
  child.request = request;
  child.state[ALTERNATIVES_LEFT] = alternatives;
  const log = ctx.meta.attemptLog;
  const from = log.length;
  const attempt: { -readonly [K in keyof Attempt]: Attempt[K] } = { target, child, hedge, startedAt: clock.now(), lost: false, done: undefined as never };
  const markHedge = () => {
    for (let i = from; i < log.length; i++) if (log[i]!.target === target.name) log[i]!.hedge = true;
  };
  const settle = (ok: boolean, error?: unknown) => {
    const now = clock.now();
    if (hedge) markHedge();
    if (ok) stats.record(target.name, now - attempt.startedAt, now, true);
    else if (!attempt.lost && !(error instanceof AbortError) && !ctx.aborted) {
      stats.record(target.name, Math.max(now - attempt.startedAt, failurePenaltyMs), now, false);
    }
    if (!ok || attempt.lost) child.dispose();
  };
  attempt.done = (async () => {
    const run = next(child);
    // The terminal logs the attempt synchronously when nothing in between awaits: mark it now so
    // `lifeline:attempt` observers see the hedge; settling marks what was logged later.
    if (hedge) markHedge();
    await run;
    if (verify) verify(child, target);
    if (child.stream) child.stream = await primeStream(wrap ? wrap(child.stream) : child.stream);
  })().then(
    (): Outcome => {
      settle(true);
      return { attempt, ok: true };
    },
    (error: unknown): Outcome => {
      settle(false, error);
      return { attempt, ok: false, error };
    },
  );
  return attempt;
}

/** Resolves a race when a hedge is due. */
export const HEDGE = Symbol('hedge');
/** Resolves a race when the call is aborted. */
export const ABORTED = Symbol('aborted');

/** Resolves with {@link ABORTED} once `ctx` aborts; `cleanup()` unregisters (no signal listener). */
export function onAbort(ctx: Context): { promise: Promise<typeof ABORTED>; cleanup(): void } {
  let cleanup: () => void = () => {};
  const promise = new Promise<typeof ABORTED>((resolve) => {
    cleanup = ctx.onAbort(() => resolve(ABORTED));
  });
  return { promise, cleanup };
}

/** Resolves with {@link HEDGE} after `ms` on the context's clock; `cancel()` clears the timer. */
export function after(ctx: Context, ms: number): { promise: Promise<typeof HEDGE>; cancel(): void } {
  let handle: unknown;
  const promise = new Promise<typeof HEDGE>((resolve) => {
    handle = ctx.clock.setTimeout(() => resolve(HEDGE), ms);
  });
  return { promise, cancel: () => ctx.clock.clearTimeout(handle) };
}
