/**
 * How a Redis call failed, in the terms the stores decide on: was it sent (could it have been
 * applied?) and does it mean Redis is unavailable?
 * @module
 */

/** How a call failed: `offline` (never sent), `timeout`, `connection` (lost mid-call), `reply` (Redis answered an error). */
export type CallFailure = 'offline' | 'timeout' | 'connection' | 'reply';

/**
 * A failed Redis call. `sent` is false only when the command certainly never reached Redis (so
 * repeating it cannot apply it twice). Stores turn it into a fallback or a refusal; you see it as
 * the `cause` of a `RedisUnavailableError` / `BudgetUnavailableError`, or in `lifeline:redis` events.
 *
 * @example
 * ```ts
 * subscribe('lifeline:redis', (e) => { if (e.error instanceof RedisCallError && e.error.kind === 'timeout') slow++; });
 * ```
 */
export class RedisCallError extends Error {
  constructor(
    readonly kind: CallFailure,
    message: string,
    readonly sent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RedisCallError';
  }
}

const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;

function isErrorReply(error: unknown): error is Error {
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name;
  return error instanceof Error && (name === 'ErrorReply' || name === 'SimpleError' || name === 'BlobError');
}

function isNotSent(error: unknown): boolean {
  const name = (error as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name === 'ClientOfflineError' || name === 'ClientClosedError' || (error instanceof Error && error.message === 'The queue is full');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** @internal Classifies anything a node-redis call rejected with. */
export function toCallError(op: string, error: unknown): RedisCallError {
  if (error instanceof RedisCallError) return error;
  if (isErrorReply(error)) return new RedisCallError('reply', error.message, true, { cause: error });
  if (isNotSent(error)) return new RedisCallError('offline', `Redis is not connected (${describe(error)})`, false, { cause: error });
  return new RedisCallError('connection', `Redis connection failed during ${op}: ${describe(error)}`, true, { cause: error });
}

/** @internal Whether a failure means Redis should be skipped for a while (not a plain error reply such as a script error). */
export function marksUnavailable(failure: RedisCallError): boolean {
  return failure.kind !== 'reply' || UNAVAILABLE_REPLY.test(failure.message);
}
