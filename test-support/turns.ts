/**
 * Waiting for I/O in a test without measuring time. A loopback exchange between a client and a
 * server in the same process takes a handful of event-loop turns however loaded the machine is (a
 * descheduled process resumes where it stopped), so a test that counts turns, not milliseconds,
 * gets the same verdict on a busy CI runner as on a quiet laptop. Turns are `setImmediate`
 * (`flush()`), which `vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })` leaves alone:
 * with it, a test moves the timers itself and waits for the sockets with these.
 * @module
 */
import { flush } from '@lifeline/testing';
import { expect, vi } from 'vitest';

/** Waits event-loop turns until `cond()` holds; throws naming `what` when it still does not after `maxTurns`. */
export async function turnsUntil(cond: () => boolean, what: string, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; !cond(); turn++) {
    if (turn === maxTurns) throw new Error(`${what}: not after ${maxTurns} event-loop turns`);
    await flush(1);
  }
}

/** A promise and whether it has settled yet, for "not yet" assertions. */
export interface Watched<T> {
  promise: Promise<T>;
  settled: () => boolean;
}

/** Watches `promise` (see {@link Watched}); its rejection is left to whoever awaits `.promise`. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => {});
  return { promise: watched, settled: () => settled };
}

/**
 * On fake timers, shows that `work` settles `ms` after now to the millisecond: still pending once
 * the timers have moved `ms - 1` (and the sockets had their turns), settled once they moved `ms`.
 * Resolves (or rejects) as `work` does.
 */
export async function settlesAfter<T>(work: Watched<T>, ms: number, what: string): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms - 1);
  await flush();
  expect(work.settled(), `${what} after ${ms - 1} ms`).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  await turnsUntil(work.settled, `${what} after ${ms} ms`);
  return work.promise;
}
