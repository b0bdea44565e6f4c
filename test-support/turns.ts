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

/** Waits event-loop turns until `cond()` holds; throws naming `what` when it still does not after `maxTurns`. */
export async function turnsUntil(cond: () => boolean, what: string, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; !cond(); turn++) {
    if (turn === maxTurns) throw new Error(`${what}: not after ${maxTurns} event-loop turns`);
    await flush(1);
  }
}

/** A promise and whether it has settled yet, for "not yet" assertions. */
export function watch<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => {});
  return { promise: watched, settled: () => settled };
}
