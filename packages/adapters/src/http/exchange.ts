/**
 * One request/response exchange with a provider: send, report the response head, and turn an
 * error status into the provider's error — the part every adapter shares.
 * @module
 */
import { ServerError, callCancellation, type AdapterCall } from '@lifeline/core';
import { MAX_BODY_BYTES, readText, release } from './body.js';
import type { TransportErrorContext } from './transport-error.js';
import { parseRateLimit } from './rate-limit-headers.js';
import { send, type SendResponse } from './send.js';
import type { HttpPool } from './pool.js';

/** Largest error body read from a provider (error envelopes are small; HTML pages are cut). */
export const MAX_ERROR_BYTES = 64 * 1024;

/** What {@link exchange} sends and how it reports errors. */
export interface ExchangeInput extends TransportErrorContext {
  url: string | URL;
  headers: Record<string, string>;
  body: string | Uint8Array;
  call: AdapterCall;
  /** Builds the error for a non-2xx response from its (bounded) body text. */
  toError(response: { status: number; headers: SendResponse['headers']; body: string; requestId: string | undefined }): Error;
}

/**
 * POSTs `body`, reports the response head through `call.onResponse` (status, request id,
 * rate-limit headers), and for a status outside 2xx reads the bounded body and throws
 * `toError(...)`. Resolves with the response whose body is still unread.
 *
 * @throws the transport errors of {@link send}, or `toError`'s error
 */
export async function exchange(pool: HttpPool, input: ExchangeInput): Promise<SendResponse> {
  const { call, provider, label, secrets, timeouts } = input;
  // Per-attempt extra headers (trace context) go first: the adapter's own headers win on a clash.
  const headers = call.headers === undefined ? input.headers : { ...call.headers, ...input.headers };
  // The pipeline's cancellation when the call follows it: no AbortSignal made for the call.
  const cancellation = callCancellation(call);
  const signal = cancellation === undefined ? call.signal : undefined;
  const res = await send(pool, { url: input.url, headers, body: input.body, signal, cancellation, provider, label, secrets });
  const rateLimit = parseRateLimit(res.headers);
  try {
    call.onResponse?.(rateLimit ? { status: res.status, requestId: res.requestId, rateLimit } : { status: res.status, requestId: res.requestId });
  } catch (err) {
    release(res.body);
    throw err;
  }
  if (res.status < 200 || res.status >= 300) {
    const body = await readText(res.body, { provider, label, secrets, timeouts, signal, cancellation, requestId: res.requestId, maxBytes: MAX_ERROR_BYTES });
    throw input.toError({ status: res.status, headers: res.headers, body, requestId: res.requestId });
  }
  return res;
}

/**
 * Reads a successful response's whole body (bounded by `MAX_BODY_BYTES`) and parses it as JSON.
 *
 * @throws `ServerError` when the body is not valid JSON; transport errors of `readText`
 */
export async function readJson(res: SendResponse, ctx: TransportErrorContext): Promise<unknown> {
  const text = await readText(res.body, { ...ctx, requestId: res.requestId, maxBytes: MAX_BODY_BYTES });
  try {
    return JSON.parse(text);
  } catch {
    throw new ServerError(`${ctx.label}: ${res.status} response is not valid JSON (${text.length} characters)`, {
      provider: ctx.provider,
      status: res.status,
      requestId: res.requestId,
    });
  }
}
