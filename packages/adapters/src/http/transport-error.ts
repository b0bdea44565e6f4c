/**
 * Maps undici and socket failures (refused, reset, DNS, TLS, timeouts, aborts) to core's error
 * classes: `ConnectionError`, `TimeoutError`, or the abort reason of the caller's signal.
 * @module
 */
import { AbortError, BadRequestError, ConnectionError, LifelineError, TimeoutError, abortReason, redactSecrets, type Cancellation } from '@lifeline/core';

/** What {@link transportError} needs to know about the request that failed. */
export interface TransportErrorContext {
  /** Target name: the error's `provider`. */
  provider: string;
  /** Message prefix, e.g. `openai primary`. */
  label: string;
  /** The request's signal: when it is aborted, its reason wins over the socket error. */
  signal?: AbortSignal | undefined;
  /**
   * The same aborts followed without an event listener (core's `callCancellation(call)`): used
   * when `signal` is absent, or when its own `signal` is `signal`.
   */
  cancellation?: Cancellation | undefined;
  /** The configured limits, quoted in timeout messages. */
  timeouts?: { connectTimeoutMs?: number; headersTimeoutMs?: number; bodyTimeoutMs?: number } | undefined;
  /** Request id from the response head, when the failure happened while reading the body. */
  requestId?: string | undefined;
  /** Secrets to keep out of the message (the adapter's API key). */
  secrets?: readonly string[] | undefined;
}

/**
 * The most specific `code` found on an error, its `cause` chain or an `AggregateError`'s members.
 * @example
 * ```ts
 * errorCode(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })) // 'ECONNREFUSED'
 * ```
 */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const members = (e as { errors?: unknown }).errors;
    if (Array.isArray(members) && members.length > 0) return errorCode(members[0]);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const members = (err as { errors?: unknown }).errors;
    if (!err.message && Array.isArray(members) && members[0] instanceof Error) return members[0].message;
    return err.message || err.name;
  }
  return String(err);
}

/**
 * Turns whatever undici threw into a {@link LifelineError}:
 * - the request's signal is aborted → `abortReason(signal, provider)` (a `TimeoutError` from core's
 *   `timeout()`, else an `AbortError`), whatever the socket said;
 * - connect / headers / body timeouts → `TimeoutError` with `kind` `connect` / `headers` / `idle`;
 * - anything else (refused, reset, DNS, TLS, HTTP parser errors) → `ConnectionError` (retryable);
 * - an invalid request (bad header value) → `BadRequestError` (not retryable).
 *
 * A {@link LifelineError} passes through unchanged.
 *
 * @param err - what was thrown
 * @param ctx - provider, message prefix, signal and limits
 * @returns the error to throw
 * @example
 * ```ts
 * try { await pool.dispatcher(origin).request(opts) } catch (err) { throw transportError(err, { provider, label, signal }) }
 * ```
 */
export function transportError(err: unknown, ctx: TransportErrorContext): LifelineError {
  const { provider, label, requestId } = ctx;
  const aborts = abortsOf(ctx);
  if (aborts?.aborted) return abortReason(aborts, provider);
  if (err instanceof LifelineError) return err;
  const code = errorCode(err);
  const clean = (text: string) => redactSecrets(text, ctx.secrets ?? []);
  const detail = clean(describe(err));
  const t = ctx.timeouts ?? {};
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`${label}: could not connect within ${t.connectTimeoutMs ?? '?'} ms (connectTimeoutMs)`, {
        kind: 'connect', timeoutMs: t.connectTimeoutMs, provider, cause: err,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(`${label}: no response head within ${t.headersTimeoutMs ?? '?'} ms (headersTimeoutMs)`, {
        kind: 'headers', timeoutMs: t.headersTimeoutMs, provider, requestId, cause: err,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(`${label}: response body went silent for ${t.bodyTimeoutMs ?? '?'} ms (bodyTimeoutMs)`, {
        kind: 'idle', timeoutMs: t.bodyTimeoutMs, provider, requestId, cause: err,
      });
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return new AbortError(`${label}: the request was aborted`, { provider, requestId, cause: err });
    case 'UND_ERR_INVALID_ARG':
      return new BadRequestError(`${label}: invalid request — ${detail}`, { provider, cause: err });
    default:
      break;
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new AbortError(`${label}: the request was aborted`, { provider, requestId, cause: err });
  }
  const suffix = code && !detail.includes(code) ? ` (${code})` : '';
  return new ConnectionError(`${label}: connection failed — ${detail}${suffix}`, {
    provider,
    requestId,
    retryable: true,
    cause: err,
  });
}

/**
 * Where a request's aborts are read: its `signal`, else its `cancellation`.
 * @example
 * ```ts
 * if (abortsOf(options)?.aborted) throw abortReason(abortsOf(options)!, provider);
 * ```
 */
export function abortsOf(ctx: Pick<TransportErrorContext, 'signal' | 'cancellation'>): { readonly aborted: boolean; readonly reason: unknown } | undefined {
  return ctx.signal ?? ctx.cancellation;
}

/**
 * The cancellation to follow instead of a listener on `signal`: `cancellation` when `signal` is
 * absent or is the cancellation's own signal.
 */
export function followedCancellation(ctx: Pick<TransportErrorContext, 'signal' | 'cancellation'>): Cancellation | undefined {
  const { signal, cancellation } = ctx;
  return cancellation !== undefined && (signal === undefined || cancellation.signal === signal) ? cancellation : undefined;
}
