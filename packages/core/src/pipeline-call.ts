/**
 * The {@link AdapterCall} the terminal hands to an adapter: its `signal` is made only when read.
 * @module
 */
import type { AdapterCall, Cancellation, ResponseInfo } from './adapter.js';
import type { Context } from './context.js';

/**
 * `signal` as an own, enumerable accessor of every {@link PipelineCall}: a spread or
 * `Object.assign` of the call reads it (making the context's signal then) and copies it, as it
 * would a plain field.
 */
const SIGNAL: PropertyDescriptor = {
  get(this: PipelineCall): AbortSignal {
    return PipelineCall.signalOf(this);
  },
  set(this: PipelineCall, signal: AbortSignal) {
    PipelineCall.assignSignal(this, signal);
  },
  enumerable: true,
  configurable: false,
};

/**
 * An attempt's call. `signal` is the context's signal, created on first read (an
 * `AbortController` per call otherwise); an adapter that follows {@link callCancellation} never
 * reads it. Assigning `signal` replaces it, and copying the call (`{ ...call }`) copies it, as on
 * a plain object.
 */
export class PipelineCall implements AdapterCall {
  declare signal: AbortSignal;
  cancellation: Cancellation | undefined;
  deadline: number | undefined;
  metadata: Readonly<Record<string, unknown>>;
  onResponse: ((info: ResponseInfo) => void) | undefined;
  headers: Record<string, string> | undefined;
  #ctx: Context;
  #signal: AbortSignal | undefined;

  constructor(ctx: Context, onResponse: (info: ResponseInfo) => void) {
    this.cancellation = ctx;
    this.deadline = ctx.deadline;
    this.metadata = ctx.metadata;
    this.onResponse = onResponse;
    this.headers = undefined;
    this.#ctx = ctx;
    this.#signal = undefined;
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  /** The call's signal: the one assigned, else the context's (made on first read). */
  static signalOf(call: PipelineCall): AbortSignal {
    return call.#signal ?? call.#ctx.signal;
  }

  /** Replaces the call's signal. */
  static assignSignal(call: PipelineCall, signal: AbortSignal): void {
    call.#signal = signal;
  }

  /** `call.cancellation` when the call's aborts are its own context's (see {@link callCancellation}). */
  static cancellationOf(call: PipelineCall): Cancellation | undefined {
    const c = call.cancellation;
    return c === call.#ctx && call.#signal === undefined ? c : undefined;
  }
}

/**
 * The call's {@link Cancellation} when it carries the same aborts as `call.signal`, found without
 * creating the pipeline's signal: an adapter can follow it instead of `signal` (no event
 * listener, no `AbortController`). `undefined` when the call has none or its `signal` was
 * replaced by another (then follow `signal`).
 *
 * @example
 * ```ts
 * const cancellation = callCancellation(call);
 * const off = cancellation ? cancellation.onAbort(stop) : listen(call.signal, stop);
 * ```
 */
export function callCancellation(call: AdapterCall): Cancellation | undefined {
  if (call instanceof PipelineCall) {
    const own = PipelineCall.cancellationOf(call);
    if (own !== undefined) return own;
  }
  const c = call.cancellation;
  return c !== undefined && c.signal === call.signal ? c : undefined;
}
