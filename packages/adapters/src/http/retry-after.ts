/**
 * The server's retry hint, in milliseconds: `retry-after-ms`, then `retry-after` (seconds or an
 * HTTP-date), then the vendor's rate-limit reset headers.
 * @module
 */
import { parseDate } from './durations.js';
import { parseRateLimit } from './rate-limit-headers.js';
import { headerValue, type ResponseHeaders } from './send.js';

const NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

/** Options of {@link parseRetryAfter}. */
export interface RetryAfterOptions {
  /**
   * Fall back to the vendor reset headers (`x-ratelimit-reset-*`, `anthropic-ratelimit-*-reset`)
   * when there is no `retry-after`. Meaningful on a 429 only.
   * @defaultValue true
   */
  resetHeaders?: boolean;
}

/**
 * The delay the server asks for before a retry.
 *
 * 1. `retry-after-ms`: milliseconds (a float; Azure OpenAI sends it).
 * 2. `retry-after`: seconds (integer or decimal) or an HTTP-date.
 * 3. Vendor resets: the later reset of the exhausted allowance (requests or tokens, `remaining: 0`);
 *    when none says `0`, the later of the resets present. OpenAI sends Go durations (`6m0s`),
 *    Anthropic RFC 3339 timestamps.
 *
 * A date in the past gives `0`. Unparsable values are skipped. No cap is applied here: capping is
 * the retry policy's business (`retry({ maxRetryAfterMs })`).
 *
 * @param headers - response headers
 * @param now - current time, epoch ms
 * @param options - whether to read vendor reset headers
 * @returns whole milliseconds, or `undefined` when the response gives no hint
 * @example
 * ```ts
 * parseRetryAfter({ 'retry-after': '2' }) // 2000
 * parseRetryAfter({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s' }) // 360000
 * ```
 */
export function parseRetryAfter(headers: ResponseHeaders, now: number = Date.now(), options: RetryAfterOptions = {}): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && NUMBER.test(ms)) return Math.ceil(Number(ms));

  const after = headerValue(headers, 'retry-after');
  if (after !== undefined) {
    if (NUMBER.test(after)) return Math.ceil(Number(after) * 1000);
    const at = parseDate(after);
    if (at !== undefined) return Math.max(0, Math.ceil(at - now));
  }

  if (options.resetHeaders === false) return undefined;
  const info = parseRateLimit(headers, now);
  if (!info) return undefined;
  const exhausted: number[] = [];
  const all: number[] = [];
  if (info.resetRequestsAt !== undefined) {
    all.push(info.resetRequestsAt);
    if (info.remainingRequests === 0) exhausted.push(info.resetRequestsAt);
  }
  if (info.resetTokensAt !== undefined) {
    all.push(info.resetTokensAt);
    if (info.remainingTokens === 0) exhausted.push(info.resetTokensAt);
  }
  const pick = exhausted.length > 0 ? exhausted : all;
  if (pick.length === 0) return undefined;
  return Math.max(0, Math.ceil(Math.max(...pick) - now));
}
