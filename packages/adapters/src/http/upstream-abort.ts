/**
 * The `signal` {@link send} hands to undici: one small object that aborts the request when the
 * caller's signal aborts or the headers timeout passes — instead of an `AbortController` for the
 * timer and `AbortSignal.any()` over both, which cost several times more per request (weak
 * references, a composite signal, native listener bookkeeping).
 * @module
 */

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
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined = undefined;

  /** @param signal - the caller's signal, followed until the request ends */
  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
    if (signal) {
      this.#onAbort = () => this.abort(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** undici's listener (one per request). */
  addEventListener(_type: 'abort', listener: () => void): void {
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

  /** Stops following the caller's signal. Idempotent. */
  dispose(): void {
    const onAbort = this.#onAbort;
    if (onAbort === undefined) return;
    this.#onAbort = undefined;
    this.#signal!.removeEventListener('abort', onAbort);
  }
}
