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
  return new Run(ctx, next, target, request, hedge, alternatives, stats, failurePenaltyMs, wrap, verify);
}

/**
 * An attempt as it runs: one object and two reactions per attempt (no closure per step), built
 * by {@link launch} or directly by a walk.
 */
export class Run implements Attempt {
  readonly child: Context;
  readonly startedAt: number;
  readonly done: Promise<Outcome>;
  lost = false;
  private readonly _ctx: Context;
  private readonly _from: number;
  private readonly _stats: LatencyStats | undefined;
  private readonly _failurePenaltyMs: number;
  private readonly _wrap: LaunchInput['wrap'];
  private readonly _verify: LaunchInput['verify'];

  constructor(
    ctx: Context,
    next: Next,
    readonly target: ResolvedTarget,
    request: ChatRequest,
    readonly hedge: boolean,
    alternatives: number,
    stats: LatencyStats | undefined,
    failurePenaltyMs: number,
    wrap: LaunchInput['wrap'],
    verify: LaunchInput['verify'],
  ) {
    const child = ctx.fork();
    child.target = target.target;
    child.request = request;
    child.state[ALTERNATIVES_LEFT] = alternatives;
    this.child = child;
    this._ctx = ctx;
    this._from = ctx.meta.attemptLog.length;
    this._stats = stats;
    this._failurePenaltyMs = failurePenaltyMs;
    this._wrap = wrap;
    this._verify = verify;
    this.startedAt = stats === undefined ? 0 : ctx.clock.now();
    let run: Promise<void>;
    try {
      run = next(child);
    } catch (error) {
      run = Promise.reject(error);
    }
    // The terminal logs the attempt synchronously when nothing in between awaits: mark it now so
    // `lifeline:attempt` observers see the hedge; settling marks what was logged later.
    if (hedge) this.markHedge();
    this.done = run.then(
      () => this.finish(),
      (error: unknown) => this.fail(error),
    );
  }

  private markHedge(): void {
    const log = this._ctx.meta.attemptLog;
    const name = this.target.name;
    for (let i = this._from; i < log.length; i++) if (log[i]!.target === name) log[i]!.hedge = true;
  }

  private settle(ok: boolean, error?: unknown): void {
    if (this.hedge) this.markHedge();
    const stats = this._stats;
    if (stats !== undefined) {
      const now = this._ctx.clock.now();
      const name = this.target.name;
      if (ok) stats.record(name, now - this.startedAt, now, true);
      else if (!this.lost && !(error instanceof AbortError) && !this._ctx.aborted) {
        stats.record(name, Math.max(now - this.startedAt, this._failurePenaltyMs), now, false);
      }
    }
    if (!ok || this.lost) this.child.dispose();
  }

  private succeed(): Outcome {
    this.settle(true);
    return { attempt: this, ok: true };
  }

  private fail(error: unknown): Outcome {
    this.settle(false, error);
    return { attempt: this, ok: false, error };
  }

  /** After the rest of the onion returned: check the answer, prime a stream (one reaction, no async frame). */
  private finish(): Outcome | Promise<Outcome> {
    const child = this.child;
    try {
      if (this._verify) this._verify(child, this.target);
      const stream = child.stream;
      if (stream) {
        const wrap = this._wrap;
        return primeStream(wrap ? wrap(stream) : stream).then(
          (primed) => {
            child.stream = primed;
            return this.succeed();
          },
          (error: unknown) => this.fail(error),
        );
      }
    } catch (error) {
      return this.fail(error);
    }
    return this.succeed();
  }
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
  /** Arrivals nobody waited for yet (made on the first: a walk usually waits first). */
  private _arrived: Arrival[] | undefined;
  private _wake: ((arrival: Arrival) => void) | undefined;
  private _timer: unknown;
  private readonly _ctx: Context;
  private readonly _cleanup: () => void;
  /** Bound once: handed to every attempt's `done` and to the abort callback. */
  readonly deliver = (arrival: Arrival): void => {
    const wake = this._wake;
    if (wake === undefined) {
      // A hedge is due only while its wait lasts.
      if (arrival !== HEDGE) (this._arrived ??= []).push(arrival);
      return;
    }
    this._wake = undefined;
    this.clearTimer();
    wake(arrival);
  };

  /** Starts listening for `ctx`'s abort (no signal listener); {@link close} stops it. */
  constructor(ctx: Context) {
    this._ctx = ctx;
    this._cleanup = ctx.onAbort(() => this.deliver(ABORTED));
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
    const arrived = this._arrived;
    if (arrived !== undefined && arrived.length > 0) return arrived.shift()!;
    if (hedgeInMs !== undefined) this._timer = this._ctx.clock.setTimeout(() => this.deliver(HEDGE), hedgeInMs);
    return new Promise<Arrival>((resolve) => (this._wake = resolve));
  }

  private clearTimer(): void {
    if (this._timer === undefined) return;
    this._ctx.clock.clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** Stops listening for the abort; clears a pending hedge timer. */
  close(): void {
    this._cleanup();
    this._wake = undefined;
    this.clearTimer();
  }
}
