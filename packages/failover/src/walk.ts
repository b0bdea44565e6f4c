/**
 * One call's walk over its targets: each attempt runs the rest of the onion on a fork of the
 * context (`next(child)`), streams are primed so failures before the first token surface here,
 * hedges start in parallel when an attempt is slow, and the first to deliver wins.
 * @module
 */
import { AbortError, type ChatChunk, type ChatRequest, CircuitOpenError, type Context, ContextLengthError, type Next, abortReason } from '@lifeline/core';
import { type TargetFailure, failoverError } from './aggregate.js';
import { ABORTED, type Attempt, HEDGE, Mailbox, Run } from './attempt.js';
import { emit } from './events.js';
import type { LatencyStats } from './latency.js';
import type { ResolvedFailoverOptions } from './options.js';
import { type ResolvedTarget, requestFor } from './target.js';

/** How one walk runs. */
export interface WalkOptions {
  /** The request a target receives. @defaultValue the call's request with the target's model */
  request?: ((target: ResolvedTarget) => ChatRequest) | undefined;
  /** Only these targets (e.g. those accepting a prefill). */
  accept?: (target: ResolvedTarget) => boolean;
  /** Overrides `failoverOn` for this walk. */
  failoverOn?: (error: unknown, ctx: Context) => boolean;
  /** Whether slow attempts are hedged. */
  hedging: boolean;
  /** Wraps a target's stream before it is primed (called after `request` for that target). */
  wrap?: (target: ResolvedTarget) => ((stream: AsyncIterable<ChatChunk>) => AsyncIterable<ChatChunk>) | undefined;
  /** After a failure that moves on: true to try the same target once more next (its `request` says how). */
  again?: (target: ResolvedTarget, error: unknown) => boolean;
  /** Checks a successful attempt's answer; a throw fails the attempt (e.g. embedding vectors of the wrong width). */
  verify?: (child: Context, target: ResolvedTarget) => void;
}

/** The state of one call across its walks (the first one, and mid-stream recoveries). */
export class FailoverCall {
  /** Every target's failure, in order (skipped targets included, flagged). */
  readonly failures: TargetFailure[] = [];
  /** Moves to another target after a failure. */
  failovers = 0;
  /** Hedged attempts started. */
  hedges = 0;
  private readonly _queue: ResolvedTarget[];
  /** Names of the targets tried (an array: a call tries one or two). */
  private readonly _tried: string[] = [];
  /** The caller's request, as the call started. */
  private readonly _original: ChatRequest;
  /** Models that overflowed their context window (made on the first overflow). */
  private _overflowed: Set<string> | undefined;
  private _floor: number | undefined;

  constructor(
    readonly ctx: Context,
    readonly next: Next,
    order: ResolvedTarget[],
    readonly options: ResolvedFailoverOptions,
    /** Where attempts record their latency; `undefined` when nothing reads latencies (no clock read per attempt). */
    readonly stats: LatencyStats | undefined,
  ) {
    this._queue = order;
    this._original = ctx.request;
  }

  /**
   * Tries targets until one delivers. Resolves with the winning attempt (not yet adopted).
   * @throws the caller's abort; the error that stopped the walk; a `FailoverError` when every target failed
   */
  async walk(w: WalkOptions): Promise<Attempt> {
    const { ctx } = this;
    const running: Attempt[] = [];
    const mailbox = new Mailbox(ctx);
    let canHedge = w.hedging;
    try {
      if (!this.start(w, running, mailbox, false)) throw this.exhausted(undefined);
      for (;;) {
        const got = await mailbox.next(canHedge ? this.hedgeDelay(running) : undefined);
        if (got === ABORTED) {
          this.abandon(running, 'The call was aborted');
          throw abortReason(ctx);
        }
        if (got === HEDGE) {
          if (this.start(w, running, mailbox, true, running.at(-1))) this.hedges++;
          else canHedge = false;
          continue;
        }
        running.splice(running.indexOf(got.attempt), 1);
        if (got.ok) {
          this.abandon(running, `Lost a hedged race to ${got.attempt.target.name}`);
          return got.attempt;
        }
        const { error } = got;
        if (ctx.aborted) {
          this.abandon(running, 'The call was aborted');
          throw abortReason(ctx);
        }
        this.failures.push({ target: got.attempt.target.name, error });
        const failoverOn = w.failoverOn ?? this.options.failoverOn;
        if (error instanceof AbortError || !failoverOn(error, ctx)) {
          this.abandon(running, `Abandoned: ${got.attempt.target.name} failed with an error that ends the call`);
          throw this.stop(error);
        }
        if (error instanceof ContextLengthError) this.overflow(got.attempt.target);
        const again = w.again?.(got.attempt.target, error) === true;
        if (again) this.requeue(got.attempt.target);
        if (running.length > 0) continue;
        if (!this.start(w, running, mailbox, false, got.attempt, error)) throw this.exhausted(error);
        if (!again) this.failovers++;
      }
    } finally {
      mailbox.close();
    }
  }

  /** Starts an attempt on the next target, if any: false when none is left. */
  private start(w: WalkOptions, running: Attempt[], mailbox: Mailbox, hedge: boolean, from?: Attempt, error?: unknown): boolean {
    const target = this.take(w.accept);
    if (!target) return false;
    if (from) announce(this.ctx, hedge, from, target, error);
    this._tried.push(target.name);
    const alternatives = this.alternatives(w.accept);
    const request = w.request === undefined ? requestFor(target, this._original) : w.request(target);
    const attempt = new Run(this.ctx, this.next, target, request, hedge, alternatives, this.stats, this.options.failurePenaltyMs, w.wrap?.(target), w.verify);
    running.push(attempt);
    mailbox.watch(attempt);
    return true;
  }

  /** Aborts the attempts still running: their upstream requests are cancelled. */
  private abandon(running: readonly Attempt[], reason: string): void {
    for (const a of running) {
      a.lost = true;
      a.child.abort(new AbortError(reason, { provider: a.target.name }));
    }
  }

  /** The error to throw when the walk stops on `error`: as is when it is the only failure, else a `FailoverError` with it as cause. */
  private stop(error: unknown): unknown {
    const attempted = this.failures.filter((f) => !f.skipped);
    return attempted.length <= 1 ? error : failoverError(this.failures, error);
  }

  private exhausted(last: unknown): unknown {
    // A prompt too long for every remaining target is the caller's to fix, like a 400.
    if (last instanceof ContextLengthError) return this.stop(last);
    return failoverError(this.failures);
  }

  private overflow(target: ResolvedTarget): void {
    (this._overflowed ??= new Set()).add(target.model ?? this.ctx.request.model);
    const max = target.maxContextTokens;
    if (max !== undefined && (this._floor === undefined || max > this._floor)) this._floor = max;
  }

  /** Puts a tried target back at the head of the queue. */
  private requeue(target: ResolvedTarget): void {
    const tried = this._tried;
    const i = tried.indexOf(target.name);
    if (i >= 0) tried.splice(i, 1);
    this._queue.unshift(target);
  }

  /** The next target to try, skipping tried ones, too-small ones after a context overflow, and unavailable ones. */
  private take(accept: ((t: ResolvedTarget) => boolean) | undefined): ResolvedTarget | undefined {
    const queue = this._queue;
    for (let i = 0; i < queue.length; ) {
      const t = queue[i]!;
      if (this.spent(t)) {
        queue.splice(i, 1);
        continue;
      }
      if (accept && !accept(t)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      if (this.options.isAvailable && !this.options.isAvailable(t, this.ctx)) {
        const error = new CircuitOpenError(`${t.name} skipped: isAvailable() returned false`, { provider: t.name });
        this.failures.push({ target: t.name, error, skipped: true });
        continue;
      }
      return t;
    }
    return undefined;
  }

  /**
   * How many other targets this walk could still move on to — what core's `ALTERNATIVES_LEFT` tells
   * the layers below: the queue as `#take` would see it, without consuming it.
   */
  private alternatives(accept: ((t: ResolvedTarget) => boolean) | undefined): number {
    const { isAvailable } = this.options;
    let n = 0;
    for (const t of this._queue) {
      if (this.spent(t) || (accept && !accept(t)) || (isAvailable && !isAvailable(t, this.ctx))) continue;
      n++;
    }
    return n;
  }

  /** Already tried, or too small for the prompt after a context overflow. */
  private spent(t: ResolvedTarget): boolean {
    if (this._tried.includes(t.name)) return true;
    const overflowed = this._overflowed;
    if (overflowed === undefined) return false;
    const model = t.model ?? this.ctx.request.model;
    return overflowed.has(model) || (this._floor !== undefined && !((t.maxContextTokens ?? 0) > this._floor));
  }

  /** Ms until the next hedge should start, or `undefined` for none. */
  private hedgeDelay(running: readonly Attempt[]): number | undefined {
    const { hedgeAfterMs, maxHedges } = this.options;
    const last = running.at(-1);
    if (hedgeAfterMs === undefined || !last || this.hedges >= maxHedges || this._queue.length === 0) return undefined;
    const after = hedgeAfterMs === 'p95' ? this.stats?.percentile(last.target.name, 95) : hedgeAfterMs;
    return after === undefined ? undefined : Math.max(0, last.startedAt + after - this.ctx.clock.now());
  }
}

/** Publishes a move to `target` (a closure made here, not in the walk's frame: only when one happens). */
function announce(ctx: Context, hedge: boolean, from: Attempt, target: ResolvedTarget, error: unknown): void {
  emit(() => ({ ctx, event: hedge ? 'hedge' : 'failover', from: from.target.name, to: target.name, error }));
}
