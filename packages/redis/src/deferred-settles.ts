/**
 * Budget settlements that could not be written, kept and retried until Redis is back: those that
 * certainly never reached Redis, and those that settle a reservation id (idempotent: one whose
 * answer was lost may have been applied, and sending it again changes nothing then). None is ever
 * applied twice; the reservation they would release stays counted meanwhile (spend is over-,
 * never under-estimated).
 * @module
 */
import { publishRedisEvent } from './events.js';

/** One settlement to write. */
export interface Settlement {
  scope: string;
  reserved: number;
  actual: number;
  windowKey: string;
  /** The reservation it settles, when `reserve` named one (the write is then idempotent). */
  reservationId?: string | undefined;
  /** Epoch ms of the first attempt. */
  since: number;
}

/** Outcome of one retry: `done`, `retry` (not applied, or — with an id — maybe not), or `drop` (no id, sent, outcome unknown). */
export type RetryOutcome = 'done' | 'retry' | 'drop';

/** The bounded retry queue. */
export class DeferredSettles {
  readonly #queue: Settlement[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing = false;
  /** Settlements given up (too old, queue full, or outcome unknown after a retry). */
  lost = 0;

  constructor(
    readonly write: (s: Settlement) => Promise<RetryOutcome>,
    readonly intervalMs: number,
    readonly maxAgeMs: number,
    readonly maxLength: number,
  ) {}

  /** Settlements waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Queues `s` for a retry. */
  add(s: Settlement): void {
    if (this.#queue.length >= this.maxLength) this.#lose(this.#queue.shift()!, 'the retry queue is full');
    this.#queue.push(s);
    publishRedisEvent(() => ({ type: 'settle-deferred', store: 'budget', op: 'settle', message: `budget settlement for window ${s.windowKey} queued until Redis is back (${this.#queue.length} waiting)` }));
    this.#schedule();
  }

  /** Retries everything queued now (stops at the first settlement that still cannot be sent). */
  async flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const s = this.#queue[0]!;
        if (Date.now() - s.since > this.maxAgeMs) {
          this.#queue.shift();
          this.#lose(s, `not written within ${this.maxAgeMs} ms`);
          continue;
        }
        const outcome = await this.write(s);
        if (outcome === 'retry') break;
        this.#queue.shift();
        if (outcome === 'drop') this.#lose(s, 'its outcome is unknown (Redis did not answer)');
      }
    } finally {
      this.#flushing = false;
      this.#schedule();
    }
  }

  /** Stops retrying; what is still queued is lost. */
  stop(): number {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const left = this.#queue.length;
    this.#queue.length = 0;
    return left;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.intervalMs);
    this.#timer.unref?.();
  }

  #lose(s: Settlement, why: string): void {
    this.lost++;
    publishRedisEvent(() => ({
      type: 'settle-lost',
      store: 'budget',
      op: 'settle',
      message: `budget settlement for window ${s.windowKey} given up: ${why}; its reservation stays counted until the window ends`,
    }));
  }
}
