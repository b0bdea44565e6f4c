/**
 * A manual clock with timers, for testing time-based middleware without waiting. It matches
 * `@lifeline/core`'s `Clock` interface structurally (`now`, `setTimeout`, `clearTimeout`), so it
 * can be passed as `createClient({ clock })`, `retry({ clock })` or `startMockProvider({ clock })`.
 *
 * @module
 */
import { flush } from './flush.js';

/** Options of {@link fakeClock}. */
export interface FakeClockOptions {
  /**
   * Event-loop turns (`setImmediate`) that {@link FakeClock.advanceAsync} and {@link FakeClock.run}
   * yield before each timer and at the end, so promise chains and I/O callbacks settle.
   * @defaultValue 20
   */
  turns?: number;
  /**
   * {@link FakeClock.run} fails when the work has not settled and no timer was pending for this
   * long in real time (a test that waits on something that never happens).
   * @defaultValue 5000
   */
  stuckAfterMs?: number;
}

const DEFAULTS: Required<FakeClockOptions> = { turns: 20, stuckAfterMs: 5_000 };

/** A clock that moves only when told to; its timers fire in time order as it moves. */
export interface FakeClock {
  /** The current fake time in ms. */
  now(): number;
  /** Schedules `fn` at `now() + ms` (negative or `NaN` delays count as 0); returns a handle. */
  setTimeout(fn: () => void, ms: number): number;
  /** Cancels a timer; unknown or already fired handles are ignored. */
  clearTimeout(handle: unknown): void;
  /** Every delay passed to `setTimeout`, in call order (cancelled timers included). */
  readonly delays: readonly number[];
  /** How many timers are scheduled and not yet fired or cleared. */
  pending(): number;
  /** Sets the time to `ms` without firing any timer (time may go backwards). */
  set(ms: number): void;
  /**
   * Moves time forward by `ms`, firing every timer due on the way in time order (ties in
   * scheduling order), including timers scheduled by fired timers, synchronously.
   * @throws {RangeError} when `ms` is negative or not finite
   */
  advance(ms: number): void;
  /**
   * Like {@link FakeClock.advance}, but yields to the event loop before each timer and at the end,
   * so promise chains (and loopback I/O) started by one timer run before the next one fires.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Jumps to the earliest pending timer and fires every timer due then; `false` if none is pending. */
  advanceToNext(): boolean;
  /** {@link FakeClock.advanceToNext}, yielding to the event loop before and after. */
  advanceToNextAsync(): Promise<boolean>;
  /**
   * Awaits `work`, and whenever it is idle with a timer pending, jumps to that timer: every sleep
   * (backoff, break duration) is skipped while real I/O runs at its own pace. Use it only when every
   * pending timer is meant to fire: a guard (`timeout()`) pending during I/O would fire at once.
   * @throws {Error} when the work is stuck with no timer pending for `stuckAfterMs`
   */
  run<T>(work: Promise<T>): Promise<T>;
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * Creates a {@link FakeClock} at `startMs`.
 *
 * @param startMs - initial time in ms (any epoch)
 * @param options - event-loop turns for the async helpers
 * @example
 * ```ts
 * const clock = fakeClock(0);
 * const client = createClient({ adapter, clock, use: [retry({ random: () => 0.5 })] });
 * const result = await clock.run(client.chat(request)); // backoff sleeps are skipped
 * expect(clock.delays).toEqual([250]);
 * ```
 */
export function fakeClock(startMs = 0, options: FakeClockOptions = {}): FakeClock {
  const { turns, stuckAfterMs } = { ...DEFAULTS, ...options };
  if (!Number.isFinite(startMs)) throw new RangeError(`fakeClock: startMs must be a finite number, got ${String(startMs)}`);
  if (!Number.isInteger(turns) || turns < 0) throw new RangeError(`fakeClock: turns must be a non-negative integer, got ${String(turns)}`);
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, Timer>();
  const delays: number[] = [];

  const earliest = (until = Infinity): Timer | undefined => {
    let best: Timer | undefined;
    for (const t of timers.values()) if (t.at <= until && (!best || t.at < best.at)) best = t; // Map keeps id order: ties stay FIFO
    return best;
  };
  const fire = (timer: Timer): void => {
    timers.delete(timer.id);
    if (timer.at > now) now = timer.at;
    timer.fn();
  };
  const target = (method: string, ms: number): number => {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`fakeClock.${method}: ms must be a non-negative finite number, got ${String(ms)}`);
    return now + ms;
  };

  const clock: FakeClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      delays.push(ms);
      timers.set(id, { id, at: now + (ms > 0 ? ms : 0), fn });
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') timers.delete(handle);
    },
    delays,
    pending: () => timers.size,
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError(`fakeClock.set: ms must be a finite number, got ${String(ms)}`);
      now = ms;
    },
    advance(ms) {
      const until = target('advance', ms);
      for (let t = earliest(until); t; t = earliest(until)) fire(t);
      now = Math.max(now, until);
    },
    async advanceAsync(ms) {
      const until = target('advanceAsync', ms);
      for (;;) {
        await flush(turns);
        const t = earliest(until);
        if (!t) break;
        fire(t);
      }
      now = Math.max(now, until);
      await flush(turns);
    },
    advanceToNext() {
      const first = earliest();
      if (!first) return false;
      clock.advance(first.at > now ? first.at - now : 0);
      return true;
    },
    async advanceToNextAsync() {
      await flush(turns);
      const first = earliest();
      if (!first) return false;
      await clock.advanceAsync(first.at > now ? first.at - now : 0);
      return true;
    },
    async run(work) {
      let settled = false;
      const watched = work.finally(() => {
        settled = true;
      });
      watched.catch(() => {});
      let idleSince = Date.now();
      for (;;) {
        await flush(turns);
        if (settled) break;
        const next = earliest();
        if (next) {
          fire(next);
          idleSince = Date.now();
        } else if (Date.now() - idleSince > stuckAfterMs) {
          throw new Error(`fakeClock.run: the work has not settled and no timer was pending for ${stuckAfterMs} ms`);
        }
      }
      return watched;
    },
  };
  return clock;
}
