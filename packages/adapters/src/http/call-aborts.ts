/**
 * How an adapter follows a call's aborts: the pipeline's cancellation when the call carries one
 * (no `AbortSignal` is made for the call), else the call's signal.
 * @module
 */
import { callCancellation, type AdapterCall } from '@lifeline/core';

export { callCancellation };

/** `call.signal` when the call has no cancellation to follow (see `callCancellation`), else `undefined`. */
export function callSignal(call: AdapterCall): AbortSignal | undefined {
  return callCancellation(call) === undefined ? call.signal : undefined;
}
