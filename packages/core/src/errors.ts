/**
 * The error taxonomy. Every error Lifeline raises extends {@link LifelineError} and carries what a
 * caller needs to act: `provider`, `status`, `retryable`, `retryAfterMs`, `requestId`, `cause`.
 * `instanceof` works across duplicated installs thanks to a `Symbol.for` brand.
 * @module
 */
import { redactSecrets } from './redact.js';

const BRAND = Symbol.for('lifeline.error');

/** Stable string codes, one per class. */
export type LifelineErrorCode =
  | 'lifeline_error'
  | 'rate_limit'
  | 'authentication'
  | 'bad_request'
  | 'context_length'
  | 'content_filter'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'abort'
  | 'circuit_open'
  | 'budget_exceeded'
  | 'rate_limit_exceeded'
  | 'stream_interrupted'
  | 'failover'
  | 'configuration';

/** code → parent code, so `instanceof` follows the class hierarchy across installs. */
const PARENT: Partial<Record<LifelineErrorCode, LifelineErrorCode>> = {
  context_length: 'bad_request',
};

function descends(code: LifelineErrorCode, ancestor: LifelineErrorCode): boolean {
  if (ancestor === 'lifeline_error') return true;
  for (let c: LifelineErrorCode | undefined = code; c; c = PARENT[c]) if (c === ancestor) return true;
  return false;
}

/** Fields every Lifeline error accepts. */
export interface LifelineErrorOptions {
  /** Target name that produced the error (an adapter's `name`), when one did. */
  provider?: string | undefined;
  /** HTTP status of the upstream response, when there was one. */
  status?: number | undefined;
  /** Whether retrying the same request may succeed. Defaults per class. */
  retryable?: boolean | undefined;
  /** Server-given (or computed) delay before a retry makes sense, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The provider's request id (`x-request-id`, `request-id`), for support tickets. */
  requestId?: string | undefined;
  /** Provider-specific error type/code (`insufficient_quota`, `overloaded_error`, `RESOURCE_EXHAUSTED`). */
  providerCode?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** Plain-object form of an error: safe to log, return from an API or put in a metric label. */
export interface LifelineErrorJSON {
  name: string;
  code: LifelineErrorCode;
  message: string;
  provider?: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  requestId?: string;
  providerCode?: string;
}

/**
 * Base class of every Lifeline error.
 * @example
 * ```ts
 * try { await client.chat(req) } catch (err) {
 *   if (err instanceof LifelineError && err.retryable) scheduleLater(err.retryAfterMs);
 * }
 * ```
 */
export class LifelineError extends Error {
  /** Stable code of the class (`rate_limit`, `timeout`, …). */
  static readonly code: LifelineErrorCode = 'lifeline_error';
  /** Default of `retryable` for this class. */
  static readonly defaultRetryable: boolean = false;

  readonly code: LifelineErrorCode;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly providerCode: string | undefined;

  constructor(message: string, options: LifelineErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as typeof LifelineError;
    this.name = ctor.name;
    this.code = ctor.code;
    Object.defineProperty(this, BRAND, { value: ctor.code, enumerable: false });
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable ?? ctor.defaultRetryable;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.providerCode = options.providerCode;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const code = (value as { [BRAND]?: unknown })[BRAND];
    if (typeof code !== 'string') return false;
    return descends(code as LifelineErrorCode, (this as typeof LifelineError).code);
  }

  /** A JSON form with no secrets and no `cause` chain. */
  toJSON(): LifelineErrorJSON {
    const json: LifelineErrorJSON = { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
    if (this.provider !== undefined) json.provider = this.provider;
    if (this.status !== undefined) json.status = this.status;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    if (this.providerCode !== undefined) json.providerCode = this.providerCode;
    return json;
  }
}

/** 429 from a provider. Retryable, except quota exhaustion (`insufficient_quota`, per-day quota). */
export class RateLimitError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'rate_limit';
  static override readonly defaultRetryable = true;
}

/** 401 / 403: the key is wrong or lacks permission. Not retryable; failing over to another provider is fine. */
export class AuthenticationError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'authentication';
}

/** 400, 404, 413, 422, or a request Lifeline rejected before sending. The caller's mistake: not retryable. */
export class BadRequestError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'bad_request';
  /** Path of the offending field (`messages[2].role`), when known. */
  readonly field: string | undefined;
  constructor(message: string, options: LifelineErrorOptions & { field?: string } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/** The prompt does not fit the model's context window. Failover may route to a bigger model. */
export class ContextLengthError extends BadRequestError {
  static override readonly code: LifelineErrorCode = 'context_length';
}

/** The provider refused the content (policy, safety). Not retryable. */
export class ContentFilterError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'content_filter';
}

/** 5xx and 529 (overloaded). Retryable. */
export class ServerError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'server';
  static override readonly defaultRetryable = true;
}

/** Which limit a {@link TimeoutError} reports. */
export type TimeoutKind = 'total' | 'firstToken' | 'idle' | 'overall' | 'connect' | 'headers';

/** A deadline passed: per attempt (`timeout()`), time to first token, silence between chunks, or the call's `timeoutMs`. */
export class TimeoutError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'timeout';
  static override readonly defaultRetryable = true;
  /** Which limit fired. */
  readonly kind: TimeoutKind;
  /** The limit, in milliseconds. */
  readonly timeoutMs: number | undefined;
  constructor(message: string, options: LifelineErrorOptions & { kind?: TimeoutKind; timeoutMs?: number } = {}) {
    super(message, options);
    this.kind = options.kind ?? 'total';
    this.timeoutMs = options.timeoutMs;
  }
}

/** The connection failed: refused, reset, DNS, TLS. Retryable. */
export class ConnectionError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'connection';
  static override readonly defaultRetryable = true;
}

/** The caller aborted (its own `AbortSignal`, or stopped reading a stream). Never retried, failed over or cached. */
export class AbortError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'abort';
}

/** A circuit breaker is open for the target; `retryAfterMs` says when the next probe is allowed. */
export class CircuitOpenError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'circuit_open';
  /** Key of the breaker that refused the call (`primary/gpt-4.1`), when the breaker said. */
  readonly breakerKey: string | undefined;
  /** State of that breaker: `open`, `half-open` (probes already in flight) or `isolated`. */
  readonly breakerState: 'open' | 'half-open' | 'isolated' | undefined;
  constructor(message: string, options: LifelineErrorOptions & { breakerKey?: string; breakerState?: 'open' | 'half-open' | 'isolated' } = {}) {
    super(message, options);
    this.breakerKey = options.breakerKey;
    this.breakerState = options.breakerState;
  }
}

/** A budget would be exceeded by this call. */
export class BudgetExceededError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'budget_exceeded';
  /** The budget scope (e.g. a tenant id). */
  readonly scope: string | undefined;
  /** Budget left in the window, in USD. */
  readonly remainingUsd: number | undefined;
  constructor(message: string, options: LifelineErrorOptions & { scope?: string; remainingUsd?: number } = {}) {
    super(message, options);
    this.scope = options.scope;
    this.remainingUsd = options.remainingUsd;
  }
}

/** The local rate limiter's queue is full, or the wait would exceed `maxWaitMs`. */
export class RateLimitExceededError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'rate_limit_exceeded';
}

/** A stream broke after it had started (cut, stalled, malformed chunk, in-band error). */
export class StreamInterruptedError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'stream_interrupted';
  /** Whether content had already reached the caller before the break. */
  readonly contentDelivered: boolean;
  constructor(message: string, options: LifelineErrorOptions & { contentDelivered?: boolean } = {}) {
    super(message, options);
    this.contentDelivered = options.contentDelivered ?? false;
  }
}

/** Every failover target failed. `errors` holds each attempt's error; `cause` is the most telling one. */
export class FailoverError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'failover';
  /** One error per failed attempt, in the order they happened. */
  readonly errors: readonly unknown[];
  constructor(message: string, options: LifelineErrorOptions & { errors: readonly unknown[] }) {
    super(message, options);
    this.errors = options.errors;
  }
}

/** Lifeline is set up wrongly (no adapter, invalid option). Thrown at setup or on the first call. */
export class ConfigurationError extends LifelineError {
  static override readonly code: LifelineErrorCode = 'configuration';
}

/**
 * Whether retrying the same request may succeed: 408, 409, 429 (not quota), 5xx, 529, connection
 * errors and timeouts. Never 400/401/403/404/422, content filter, context length, abort or an open circuit.
 *
 * @param err - any thrown value
 * @returns `true` when a retry may help
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof LifelineError)) return false;
  if (err instanceof AbortError || err instanceof CircuitOpenError) return false;
  return err.retryable;
}

/** Type guard for {@link LifelineError}, also across duplicated installs. */
export function isLifelineError(err: unknown): err is LifelineError {
  return err instanceof LifelineError;
}
