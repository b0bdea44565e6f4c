/**
 * A deterministic clock for tests: time moves only when the test says so, and every timer's
 * requested delay is recorded.
 * @module
 */
import type { Clock } from '@lifeline/core';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Yields to the event loop once, so pending promise reactions and I/O callbacks run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  /** Every delay passed to `setTimeout`, in call order. */
  readonly requested: number[] = [];

  /**
   * @param start - initial epoch ms
   * @param auto - when true, a timer fires on its own (after a microtask), moving time to its due time
   */
  constructor(start = 1_000_000, readonly auto = false) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { id: ++this.#seq, at: this.#now + Math.max(0, ms), fn };
    this.requested.push(ms);
    this.#timers.push(timer);
    if (this.auto) {
      queueMicrotask(() => {
        if (!this.#timers.includes(timer)) return;
        this.#timers = this.#timers.filter((t) => t !== timer);
        this.#now = Math.max(this.#now, timer.at);
        timer.fn();
      });
    }
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (letting promises settle between them). */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await tick();
      const next = this.#earliest();
      if (!next || next.at > until) break;
      this.#fire(next);
    }
    this.#now = until;
    await tick();
  }

  /**
   * Runs `work` to completion: whenever it is idle with a timer pending, jumps to that timer.
   * Use only when every pending timer is meant to fire (no guard timers racing I/O).
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => {});
    let idleSince = Date.now();
    while (!settled) {
      await tick();
      if (settled) break;
      const next = this.#earliest();
      if (next) {
        this.#fire(next);
        idleSince = Date.now();
      } else if (Date.now() - idleSince > 5_000) {
        throw new Error('FakeClock.run: work is stuck with no timer pending');
      }
    }
    return watched;
  }

  #earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }

  #fire(timer: Timer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.fn();
  }
}

/** A deterministic uniform random source (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random source replaying `values` in order (then repeating the last one). */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}
