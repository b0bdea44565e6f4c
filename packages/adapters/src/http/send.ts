/**
 * Sends one HTTP request through an {@link HttpPool}: a pre-serialised body (so a retry resends
 * the same bytes), the caller's `AbortSignal`, and failures mapped to core's error classes.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Cancellation } from '@lifeline/core';
import { errors, type Dispatcher } from 'undici';
import type { HttpPool } from './pool.js';
import { abortsOf, followedCancellation, transportError, type TransportErrorContext } from './transport-error.js';
import { UpstreamAbort } from './upstream-abort.js';

/** A response body as undici hands it over: a Node `Readable` with fetch-style helpers. */
export type ResponseBody = Dispatcher.ResponseData['body'];

/** Response headers: lower-cased names, a string or (for repeated headers) a string array. */
export type ResponseHeaders = IncomingHttpHeaders;

/** One request for {@link send}. */
export interface SendRequest {
  /** Absolute URL, e.g. `https://api.openai.com/v1/chat/completions`. */
  url: string | URL;
  /** @defaultValue 'POST' */
  method?: 'POST' | 'GET';
  /** Request headers (auth included). Never logged, never put in an error. */
  headers?: Record<string, string>;
  /** The body, serialised once (see {@link jsonBody}): the same bytes are sent on every retry. */
  body?: string | Uint8Array;
  /** Aborts the request and the body read. */
  signal?: AbortSignal | undefined;
  /**
   * The same aborts as `signal`, followed without an event listener (core's
   * `callCancellation(call)`): used when `signal` is absent, or instead of `signal` when its own
   * `signal` is `signal`.
   */
  cancellation?: Cancellation | undefined;
  /** Target name for errors (`provider`). */
  provider: string;
  /** Message prefix for errors. @defaultValue `provider` */
  label?: string;
  /** Secrets to keep out of error messages (the API key). */
  secrets?: readonly string[];
}

/** The response head, and the body still to be read. */
export interface SendResponse {
  status: number;
  headers: ResponseHeaders;
  /** Unread body. Read it fully (`readText`, `SseReader`), or `release()` it, to free the socket. */
  body: ResponseBody;
  /** The provider's request id, from the first of {@link REQUEST_ID_HEADERS} present. */
  requestId: string | undefined;
}

/**
 * Headers that carry a provider's request id, most specific first: OpenAI, Anthropic, OpenRouter, AWS.
 * @example
 * ```ts
 * REQUEST_ID_HEADERS[0] // 'x-request-id'
 * ```
 */
export const REQUEST_ID_HEADERS: readonly string[] = ['x-request-id', 'request-id', 'x-generation-id', 'x-amzn-requestid'];

/**
 * The value of a response header (the first one when repeated).
 *
 * @param headers - response headers
 * @param name - lower-case header name
 * @example
 * ```ts
 * headerValue(res.headers, 'retry-after') // '2'
 * ```
 */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const v = headers[name];
  if (Array.isArray(v)) return v[0];
  return v === undefined ? undefined : String(v);
}

/**
 * The provider's request id from the response headers (see {@link REQUEST_ID_HEADERS}).
 * @example
 * ```ts
 * requestIdFrom({ 'request-id': 'req_011' }) // 'req_011'
 * ```
 */
export function requestIdFrom(headers: ResponseHeaders): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const v = headerValue(headers, name);
    if (v) return v;
  }
  return undefined;
}

/**
 * Serialises `value` as UTF-8 JSON bytes, once. Pass the result to every attempt's {@link send}.
 *
 * @example
 * ```ts
 * const body = jsonBody({ model: 'gpt-4.1', messages });
 * ```
 */
export function jsonBody(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * Sends `req` and resolves as soon as the response head arrives, whatever its status.
 *
 * @param pool - the pools (and timeouts) to use
 * @param req - URL, headers, body, signal, provider
 * @returns status, headers, request id and the unread body
 * @throws {@link TimeoutError} `kind: 'connect' | 'headers'` when a limit of the pool passes
 * @throws {@link ConnectionError} when the connection is refused, reset or fails DNS/TLS
 * @throws the abort reason of `req.signal` (an `AbortError`, or core `timeout()`'s `TimeoutError`)
 * @example
 * ```ts
 * const res = await send(pool, { url, headers: { authorization: `Bearer ${key}` }, body: jsonBody(req), signal, provider: 'openai', secrets: [key] });
 * if (res.status >= 400) throw await readError(res, …);
 * ```
 */
export async function send(pool: HttpPool, req: SendRequest): Promise<SendResponse> {
  const aborts = abortsOf(req);
  if (aborts?.aborted) throw transportError(aborts.reason, errorContext(pool, req));
  const { origin, path } = target(req.url);
  const given = req.headers ?? {};
  const headers = req.body !== undefined && !hasContentType(given) ? { ...given, 'content-type': 'application/json' } : given;
  // A precise headers timeout (undici's own timers have a resolution of about a second), and the
  // caller's aborts, through one abort source (see UpstreamAbort).
  const limit = pool.options.headersTimeoutMs;
  const abort = new UpstreamAbort(followedCancellation(req) ?? req.signal);
  const handle = setTimeout(headersTimeout, limit, abort, limit);
  handle.unref();
  try {
    const dispatcher = pool.dispatcher(origin);
    const res = await dispatcher.request({
      origin,
      path,
      method: req.method ?? 'POST',
      headers,
      body: req.body ?? null,
      // undici types `signal` as AbortSignal | EventEmitter; at run time it takes any object with addEventListener.
      signal: abort as unknown as AbortSignal,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body, requestId: requestIdFrom(res.headers) };
  } catch (err) {
    abort.dispose();
    throw transportError(abort.timedOut && !aborts?.aborted ? abort.reason : err, errorContext(pool, req));
  } finally {
    clearTimeout(handle);
  }
}

function headersTimeout(abort: UpstreamAbort, limit: number): void {
  abort.timeout(new errors.HeadersTimeoutError(`Headers Timeout Error (${limit} ms)`));
}

function errorContext(pool: HttpPool, req: SendRequest): TransportErrorContext {
  return { provider: req.provider, label: req.label ?? req.provider, signal: req.signal, cancellation: req.cancellation, timeouts: pool.options, secrets: req.secrets };
}

const targets = new WeakMap<URL, { origin: string; path: string }>();

/** Origin and path of a URL; cached per `URL` object (an adapter's endpoint is parsed once). */
function target(url: string | URL): { origin: string; path: string } {
  if (typeof url === 'string') {
    const u = new URL(url);
    return { origin: u.origin, path: u.pathname + u.search };
  }
  let t = targets.get(url);
  if (!t) targets.set(url, (t = { origin: url.origin, path: url.pathname + url.search }));
  return t;
}

function hasContentType(headers: Record<string, string>): boolean {
  if (headers['content-type'] !== undefined) return true;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-type') return true;
  return false;
}
