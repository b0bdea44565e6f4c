/**
 * `ping` on long silences: Anthropic's streams send `event: ping` so that proxies and clients
 * with idle timeouts keep a slow answer open.
 * @module
 */
import type { Clock } from '@lifeline/core';

/**
 * Calls `beat` whenever nothing was sent for `everyMs` (one timer, re-armed from the last send,
 * cleared by {@link Heartbeat.stop}).
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(systemClock, 10_000, () => res.write('event: ping\n…'));
 * heartbeat.touch(); // after every write
 * heartbeat.stop();  // at the end of the stream
 * ```
 */
export class Heartbeat {
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #beat: () => void;
  #last: number;
  #timer: unknown;
  #stopped = false;

  constructor(clock: Clock, everyMs: number, beat: () => void) {
    this.#clock = clock;
    this.#everyMs = everyMs;
    this.#beat = beat;
    this.#last = clock.now();
    this.#arm(everyMs);
  }

  /** Something was sent: the silence starts again. */
  touch(): void {
    this.#last = this.#clock.now();
  }

  /** Clears the timer; no beat after this. */
  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#fire(), ms);
  }

  #fire(): void {
    if (this.#stopped) return;
    const idle = this.#clock.now() - this.#last;
    if (idle >= this.#everyMs) {
      try {
        this.#beat();
      } catch {
        this.stop(); // the client is gone
        return;
      }
      this.#last = this.#clock.now();
      this.#arm(this.#everyMs);
    } else {
      this.#arm(this.#everyMs - idle);
    }
  }
}
