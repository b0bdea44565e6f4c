/**
 * The error thrown when every target failed: `FailoverError` with each target's error, the most
 * telling one as `cause`, and the retry hints a caller (or the cache, or a gateway) acts on.
 * @module
 */
import { CircuitOpenError, ConnectionError, FailoverError, LifelineError, RateLimitError, TimeoutError } from '@lifeline/core';

/**
 * One target's failure within a call.
 * @example
 * ```ts
 * const f: TargetFailure = { target: 'primary', error: new ServerError('down', { status: 503 }) };
 * ```
 */
export interface TargetFailure {
  /** Target name. */
  target: string;
  error: unknown;
  /** True when the target was skipped without a request (`isAvailable` said no). */
  skipped?: boolean;
}

/**
 * How telling an error is about why the call failed — lower is more telling:
 * 0. a provider's answer with an HTTP status other than 429 (5xx, 401/403, 404, context length…):
 *    it says what is wrong where;
 * 1. a rate limit (429, quota): among several, the one with the shortest `retryAfterMs` wins;
 * 2. a connection failure, an in-band stream error or any other Lifeline error without a status;
 * 3. a timeout: the provider said nothing;
 * 4. an open circuit: only echoes earlier failures (skipped targets rank here too);
 * 5. anything that is not a Lifeline error.
 * Ties go to the earliest failure.
 * @example
 * ```ts
 * rankError(new ServerError('down', { status: 503 })); // 0
 * rankError(new TimeoutError('slow'));                 // 3
 * ```
 */
export function rankError(error: unknown): number {
  if (!(error instanceof LifelineError)) return 5;
  if (error instanceof CircuitOpenError) return 4;
  if (error instanceof TimeoutError) return 3;
  if (error instanceof RateLimitError) return 1;
  if (error.status !== undefined && !(error instanceof ConnectionError)) return 0;
  return 2;
}

const retryAfter = (e: unknown) => (e instanceof LifelineError ? e.retryAfterMs : undefined) ?? Number.POSITIVE_INFINITY;

/**
 * The most telling of `errors` (see {@link rankError}); `undefined` for an empty list.
 * @example
 * ```ts
 * mostTelling([timeoutError, openCircuit, serverError503]); // serverError503
 * ```
 */
export function mostTelling(errors: readonly unknown[]): unknown {
  let best: unknown;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const e of errors) {
    const r = rankError(e);
    if (r < bestRank || (r === bestRank && r === 1 && retryAfter(e) < retryAfter(best))) {
      best = e;
      bestRank = r;
    }
  }
  return best;
}

/**
 * `target: code status` of one failure, as listed in the message.
 * @example
 * ```ts
 * describeFailure({ target: 'primary', error: new ServerError('down', { status: 503 }) }); // 'primary: server 503'
 * ```
 */
export function describeFailure(f: TargetFailure): string {
  const e = f.error;
  if (!(e instanceof LifelineError)) return `${f.target}: ${e instanceof Error ? e.name : 'error'}`;
  const parts = [`${f.target}: ${f.skipped ? 'skipped (unavailable)' : e.code}`];
  if (e.status !== undefined) parts.push(String(e.status));
  if (e instanceof TimeoutError) parts.push(`(${e.kind})`);
  if (e.code === 'configuration') parts.push(`(${e.message})`);
  if (e.retryAfterMs !== undefined && (e instanceof RateLimitError || e instanceof CircuitOpenError)) parts.push(`(retry after ${e.retryAfterMs} ms)`);
  return parts.join(' ');
}

/**
 * Builds the {@link FailoverError} of a call.
 * - `errors`: each target's error, in order;
 * - `cause`: `stoppedBy` when the walk stopped on an error that does not fail over (e.g. the
 *   backup said 400), else the {@link mostTelling} one;
 * - `retryAfterMs`: when every failure is a rate limit or an open circuit, the shortest hint among them;
 * - `retryable`: true when any error was retryable or an open circuit (it will close);
 * - `status`: the cause's status (a gateway can answer with it).
 *
 * @param failures - every target's failure, in order
 * @param stoppedBy - the error that ended the walk early, when one did
 * @example
 * ```ts
 * const err = failoverError([{ target: 'a', error: e503 }, { target: 'b', error: e429 }]);
 * err.message; // 'Every failover target failed (2): a: server 503; b: rate_limit 429 (retry after 2000 ms)'
 * ```
 */
export function failoverError(failures: readonly TargetFailure[], stoppedBy?: unknown): FailoverError {
  const errors = failures.map((f) => f.error);
  const cause = stoppedBy ?? mostTelling(errors);
  const list = failures.map(describeFailure).join('; ');
  const message = stoppedBy === undefined
    ? `Every failover target failed (${failures.length}): ${list}`
    : `Failover stopped on an error that another target would not fix: ${list}`;
  const limited = errors.length > 0 && errors.every((e) => e instanceof RateLimitError || e instanceof CircuitOpenError);
  const hints = errors.map((e) => (e as LifelineError).retryAfterMs).filter((ms): ms is number => typeof ms === 'number');
  const retryAfterMs = limited && hints.length > 0 ? Math.min(...hints) : undefined;
  const retryable = errors.some((e) => e instanceof CircuitOpenError || (e instanceof LifelineError && e.retryable));
  const status = cause instanceof LifelineError ? cause.status : undefined;
  return new FailoverError(message, { errors, cause, retryAfterMs, retryable, status });
}
