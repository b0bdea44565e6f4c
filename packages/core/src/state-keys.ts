/**
 * Well-known `ctx.state` keys through which middleware cooperate without importing each other.
 * @module
 */

/**
 * Set by a failover middleware before each attempt: how many other targets it will still try
 * after this one. Retry reads it to give up on a silent target (a timeout) at once instead of
 * spending another full timeout on it, since a backup is waiting.
 */
export const ALTERNATIVES_LEFT: unique symbol = Symbol.for('lifeline.state.alternativesLeft') as never;

/** Reads {@link ALTERNATIVES_LEFT} from a context's state (0 when no failover is above). */
export function alternativesLeft(state: Record<string | symbol, unknown>): number {
  const v = state[ALTERNATIVES_LEFT];
  return typeof v === 'number' ? v : 0;
}
