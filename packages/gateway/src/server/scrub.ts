/**
 * Scrubbing secrets out of anything the gateway sends back: every string of an error body, not
 * only its message. An upstream may echo its key in any field (`param`, `code`, `type`, an extra
 * field of its own); whatever shape a front door answers in goes through {@link scrubSecrets}.
 * @module
 */
import { redactSecrets } from '@lifeline/core';

/** Nesting walked before a value is dropped (an error body is two levels deep). */
const MAX_DEPTH = 16;

/**
 * A copy of `value` in which every string (at any depth of plain objects and arrays) went through
 * core's `redactSecrets`: the exact `secrets`, and anything shaped like an API key, become
 * `[redacted]`. Numbers, booleans and `null` are kept; anything nested deeper than 16 levels, and
 * values JSON would not carry (functions, symbols), become `null`.
 *
 * @param value - an error body (or any JSON value)
 * @param secrets - exact strings to remove (the gateway's upstream keys and credential headers)
 * @returns the scrubbed copy (the input is not modified)
 * @example
 * ```ts
 * scrubSecrets({ error: { message: 'bad key sk-abc1234567', param: 'sk-abc1234567', code: null } }, []);
 * // { error: { message: 'bad key [redacted]', param: '[redacted]', code: null } }
 * ```
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  return walk(value, secrets, 0) as T;
}

function walk(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = walk(v, secrets, depth + 1);
  return out;
}
