/**
 * The breaker's note on each attempt it let through: which breaker, and in which state (a
 * normal call while closed, or a half-open probe). Observability packages read it from
 * `meta.attemptLog`, like retry's `delayMs`/`delaySource`.
 * @module
 */
import type { AttemptRecord, Context } from '@lifeline/core';

/** An attempt record as the breaker annotates it. */
export interface BreakerAttemptRecord extends AttemptRecord {
  /** Key of the breaker that let the attempt through (`primary/gpt-4.1`). */
  breakerKey?: string;
  /** `closed`: a normal call; `half-open`: a probe deciding whether the breaker closes again. */
  breakerState?: 'closed' | 'half-open';
}

/**
 * Writes the breaker's key and state onto the first attempt logged since index `from`.
 * @returns true once written (false while the attempt is not logged yet)
 */
export function noteAttempt(ctx: Context, from: number, key: string, probe: boolean): boolean {
  const record = ctx.meta.attemptLog[from] as BreakerAttemptRecord | undefined;
  if (record === undefined) return false;
  if (record.breakerKey === undefined) {
    record.breakerKey = key;
    record.breakerState = probe ? 'half-open' : 'closed';
  }
  // Stryker disable next-line BooleanLiteral: a caller told false notes again, which keeps the note already written
  return true;
}
