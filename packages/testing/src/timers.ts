/**
 * Timers owned by a mock server: each is cleared when its response closes early, and all of
 * them when the server closes, so nothing keeps the process alive.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';

/** The set of pending timers of one server. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms`, unless `res` closes first or the server closes. */
  after(res: ServerResponse, ms: number, fn: () => void): void {
    const onClose = () => {
      clearTimeout(timer);
      this.#pending.delete(timer);
    };
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      res.off('close', onClose);
      if (!res.destroyed) fn();
    }, ms);
    this.#pending.add(timer);
    res.once('close', onClose);
  }

  /** Number of pending timers. */
  get size(): number {
    return this.#pending.size;
  }

  /** Clears every pending timer. */
  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
