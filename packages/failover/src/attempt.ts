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
  /** When it started (clock time), or 0 when the walk records no latencies. */
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
  /** Where the attempt's latency is recorded; without it the attempt reads no clock (`startedAt` 0). */
  stats: LatencyStats | undefined;
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
  const attempt: { -readonly [K in keyof Attempt]: Attempt[K] } = { target, child, hedge, startedAt: stats === undefined ? 0 : clock.now(), lost: false, done: undefined as never };
  const markHedge = () => {
    for (let i = from; i < log.length; i++) if (log[i]!.target === target.name) log[i]!.hedge = true;
  };
  const settle = (ok: boolean, error?: unknown) => {
    if (hedge) markHedge();
    if (stats !== undefined) {
      const now = clock.now();
      if (ok) stats.record(target.name, now - attempt.startedAt, now, true);
      else if (!attempt.lost && !(error instanceof AbortError) && !ctx.aborted) {
        stats.record(target.name, Math.max(now - attempt.startedAt, failurePenaltyMs), now, false);
      }
    }
    if (!ok || attempt.lost) child.dispose();
  };
  const succeed = (): Outcome => {
    settle(true);
    return { attempt, ok: true };
  };
  const fail = (error: unknown): Outcome => {
    settle(false, error);
    return { attempt, ok: false, error };
  };
  // After the rest of the onion returned: check the answer, prime a stream (one reaction, no async frame).
  const finish = (): Outcome | Promise<Outcome> => {
    try {
      if (verify) verify(child, target);
      const stream = child.stream;
      if (stream) {
        return primeStream(wrap ? wrap(stream) : stream).then((primed) => {
          child.stream = primed;
          return succeed();
        }, fail);
      }
    } catch (error) {
      return fail(error);
    }
    return succeed();
  };
  let run: Promise<void>;
  try {
    run = next(child);
  } catch (error) {
    run = Promise.reject(error);
  }
  // The terminal logs the attempt synchronously when nothing in between awaits: mark it now so
  // `lifeline:attempt` observers see the hedge; settling marks what was logged later.
  if (hedge) markHedge();
  attempt.done = run.then(finish, fail);
  return attempt;
}

/** Delivered when a hedge is due. */
export const HEDGE = Symbol('hedge');
/** Delivered when the call is aborted. */
export const ABORTED = Symbol('aborted');

/** What a walk waits for: an attempt's outcome, the call's abort, or a hedge timer. */
export type Arrival = Outcome | typeof ABORTED | typeof HEDGE;

/**
 * What a walk is waiting on, in the order it arrived: attempts' outcomes, the call's abort, a
 * hedge timer. One promise per wait, none when something already arrived (no `Promise.race`
 * over every pending attempt).
 */
export class Mailbox {
  readonly #arrived: Arrival[] = [];
  #wake: ((arrival: Arrival) => void) | undefined;
  #timer: unknown;
  readonly #ctx: Context;
  readonly #cleanup: () => void;
  /** Bound once: handed to every attempt's `done` and to the abort callback. */
  readonly deliver = (arrival: Arrival): void => {
    const wake = this.#wake;
    if (wake === undefined) {
      // A hedge is due only while its wait lasts.
      if (arrival !== HEDGE) this.#arrived.push(arrival);
      return;
    }
    this.#wake = undefined;
    this.#clearTimer();
    wake(arrival);
  };

  /** Starts listening for `ctx`'s abort (no signal listener); {@link close} stops it. */
  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.#cleanup = ctx.onAbort(() => this.deliver(ABORTED));
  }

  /** Delivers `attempt`'s outcome when it settles. */
  watch(attempt: Attempt): void {
    void attempt.done.then(this.deliver);
  }

  /**
   * The next arrival — at once when one is waiting; with `hedgeInMs`, {@link HEDGE} once that
   * many ms pass first (the timer is cleared as soon as anything else arrives).
   */
  next(hedgeInMs: number | undefined): Arrival | Promise<Arrival> {
    if (this.#arrived.length > 0) return this.#arrived.shift()!;
    if (hedgeInMs !== undefined) this.#timer = this.#ctx.clock.setTimeout(() => this.deliver(HEDGE), hedgeInMs);
    return new Promise<Arrival>((resolve) => (this.#wake = resolve));
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#ctx.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops listening for the abort; clears a pending hedge timer. */
  close(): void {
    this.#cleanup();
    this.#wake = undefined;
    this.#clearTimer();
  }
}
