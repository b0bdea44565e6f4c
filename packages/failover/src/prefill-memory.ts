/**
 * Which targets accept an assistant prefill: what a 400 taught us, remembered per target and
 * model in a bounded map, and how such a 400 is recognised.
 * @module
 */
import { BadRequestError, ConfigurationError, ContextLengthError } from '@lifeline/core';

/** Options of {@link PrefillMemory}. */
export interface PrefillMemoryOptions {
  /**
   * Most target/model pairs remembered; the oldest is forgotten first.
   * @defaultValue 1_000
   */
  maxEntries?: number;
}

/**
 * Target/model pairs that refused an assistant prefill with a 400. `failover()` consults it before
 * continuing a broken stream (a pair listed here is continued by regeneration instead) and adds to
 * it when a prefill is refused. Share one instance between `failover()`s to share what they learn.
 * Bounded: past `maxEntries`, the pair learnt first is forgotten.
 * @example
 * ```ts
 * const prefill = new PrefillMemory();
 * const a = failover([primary, backup], { midStream: 'continue', prefillMemory: prefill });
 * const b = failover([other, backup], { midStream: 'continue', prefillMemory: prefill });
 * prefill.rejects('backup', 'claude-sonnet-4-6'); // true once backup refused a prefill for that model
 * ```
 */
export class PrefillMemory {
  readonly #max: number;
  readonly #refused = new Set<string>();

  constructor(options: PrefillMemoryOptions = {}) {
    const max = options.maxEntries ?? 1_000;
    if (!Number.isInteger(max) || max < 1) throw new ConfigurationError(`PrefillMemory: maxEntries must be a positive integer, got ${String(max)}`);
    this.#max = max;
  }

  /** Pairs remembered. */
  get size(): number {
    return this.#refused.size;
  }

  /** True when `target` refused a prefill for `model`. */
  rejects(target: string, model: string): boolean {
    return this.#refused.has(key(target, model));
  }

  /** Remembers that `target` refuses a prefill for `model`. */
  learn(target: string, model: string): void {
    const k = key(target, model);
    this.#refused.delete(k);
    this.#refused.add(k);
    if (this.#refused.size > this.#max) this.#refused.delete(this.#refused.values().next().value!);
  }

  /** Forgets what was learnt (all pairs). */
  clear(): void {
    this.#refused.clear();
  }
}

const key = (target: string, model: string) => `${target}\u0000${model}`;

/** Wordings of a refused prefill: Anthropic's and its relays' ("does not support assistant message prefill. The conversation must end with a user message"), and the like. */
const REFUSAL = /prefill|must end with a (?:user|human) (?:message|turn)|(?:final|last) (?:message|turn)[^.]{0,40}\b(?:assistant|model)\b|\bassistant\b[^.]{0,40}\b(?:last|final) (?:message|turn)/i;

/**
 * True for a 400 that refuses an assistant prefill (a request whose last message is an assistant
 * turn), e.g. Anthropic's `This model does not support assistant message prefill. The conversation
 * must end with a user message.`
 *
 * @param error - what a continuation attempt threw
 * @returns whether the target refuses prefills (so the answer should be regenerated there instead)
 * @example
 * ```ts
 * isPrefillRejection(new BadRequestError('This model does not support assistant message prefill.', { status: 400 })); // true
 * ```
 */
export function isPrefillRejection(error: unknown): boolean {
  return error instanceof BadRequestError && !(error instanceof ContextLengthError) && (error.status === undefined || error.status === 400) && REFUSAL.test(error.message);
}
