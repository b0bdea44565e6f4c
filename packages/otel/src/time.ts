/**
 * Span times. With the system clock the SDK stamps spans itself (starts to the millisecond,
 * durations sub-millisecond, on the same
 * time line as the application's other spans); with an injected clock (tests, simulations)
 * spans carry that clock's times, so a virtual second is a second in the trace too.
 * @module
 */
import type { TimeInput } from '@opentelemetry/api';
import { type Clock, systemClock } from '@lifeline/core';

/** The time to give the SDK for `ms` read from `clock`: `undefined` (now) with the system clock. */
export function timeOf(clock: Clock, ms: number): TimeInput | undefined {
  return clock === systemClock ? undefined : ms;
}
