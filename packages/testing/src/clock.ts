/**
 * A manual clock for driving time windows and schedules from a test without waiting.
 *
 * @module
 */
import type { Clock } from './types.js';

/** A clock that only moves when told to. */
export interface FakeClock extends Clock {
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /** Sets the clock to `ms`. */
  set(ms: number): void;
}

/**
 * Creates a clock that starts at `startMs` (default 0) and moves only on `advance()`/`set()`.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * const mock = await startMockProvider({ clock, schedule: [{ toMs: 60_000, step: { status: 503 } }] });
 * clock.advance(60_000); // now healthy
 * ```
 */
export function fakeClock(startMs = 0): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
