/**
 * A Lifeline `Clock` whose time moves only when a test says so, while sockets stay real: the
 * client, `timeout()`, `retry()` and the breaker all schedule on it, and the mock provider reads
 * its `now()` for time windows. Timers fire in time order during `advance()`.
 */
import type { Clock } from '@lifeline/core';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  /** Every delay ever scheduled, in order (for exact-sequence assertions). */
  readonly scheduled: number[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.#seq, at: this.#now + Math.max(0, ms), fn };
    this.scheduled.push(ms);
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time to the earliest pending timer and fires it (and any due at the same time). */
  async advanceToNext(): Promise<void> {
    const next = Math.min(...this.#timers.map((t) => t.at));
    if (Number.isFinite(next)) await this.advance(next - this.#now);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting I/O callbacks run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
      for (let i = 0; i < 5; i++) await turn();
    }
    this.#now = end;
    for (let i = 0; i < 5; i++) await turn();
  }
}

/**
 * Awaits `work` while firing the clock's timers as soon as one is pending (retry backoff, breaker
 * waits): virtual time jumps over every sleep, real I/O runs at its own pace. Use it only when no
 * guard timer (e.g. `timeout()`) is pending during I/O, since that would fire at once too.
 */
export async function drive<T>(clock: VirtualClock, work: Promise<T>): Promise<T> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    if (clock.pending > 0) await clock.advanceToNext();
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return work;
}
