/**
 * The `signal` {@link send} hands to undici: one small object that aborts the request when the
 * caller's signal aborts or the headers timeout passes — instead of an `AbortController` for the
 * timer and `AbortSignal.any()` over both, which cost several times more per request (weak
 * references, a composite signal, native listener bookkeeping).
 * @module
 */
import type { Cancellation } from '@lifeline/core';

/**
 * An abort source undici accepts as a request's `signal` (it takes anything with
 * `addEventListener`). It deliberately has no `aborted` property: undici then registers its
 * listener with `addEventListener` (for an object with `aborted`, it uses Node's
 * `addAbortListener`, which only accepts real `AbortSignal`s).
 *
 * undici removes its listener when the request fails or its body closes; the link to the
 * caller's signal is dropped then (or by {@link UpstreamAbort.dispose}).
 */
export class UpstreamAbort {
  /** Why the request was aborted (read by undici when the listener fires). */
  reason: unknown = undefined;
  /** True when the headers timeout fired (rather than the caller's signal). */
  timedOut = false;
  #done = false;
  #listener: (() => void) | undefined = undefined;
  /** Stops following the caller's aborts. */
  #unfollow: (() => void) | undefined = undefined;

  /**
   * @param source - the caller's aborts, followed until the request ends: its signal, or core's
   *   `Cancellation` (no event listener)
   */
  constructor(source: AbortSignal | Cancellation | undefined) {
    if (source === undefined) return;
    if (isCancellation(source)) {
      this.#unfollow = source.onAbort((reason) => this.abort(reason));
      return;
    }
    const onAbort = () => this.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    this.#unfollow = () => source.removeEventListener('abort', onAbort);
  }

  /** undici's listener (one per request); called at once when the abort came first. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.#done) {
      listener();
      return;
    }
    this.#listener = listener;
  }

  /** undici is done with the request: stop following the caller's signal. */
  removeEventListener(_type: 'abort', listener: () => void): void {
    if (listener !== this.#listener) return;
    this.#listener = undefined;
    this.dispose();
  }

  /** Aborts the request with `reason` (once). */
  abort(reason: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.reason = reason;
    this.dispose();
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.();
  }

  /** The headers timeout passed: aborts with `reason`. */
  timeout(reason: unknown): void {
    if (this.#done) return;
    this.timedOut = true;
    this.abort(reason);
  }

  /** Stops following the caller's aborts. Idempotent. */
  dispose(): void {
    const unfollow = this.#unfollow;
    if (unfollow === undefined) return;
    this.#unfollow = undefined;
    unfollow();
  }
}

function isCancellation(source: AbortSignal | Cancellation): source is Cancellation {
  return typeof (source as Partial<Cancellation>).onAbort === 'function';
}
