/**
 * Reads vendor rate-limit headers into core's {@link RateLimitInfo}: OpenAI / Groq / Azure
 * `x-ratelimit-*` (resets as Go durations) and Anthropic `anthropic-ratelimit-*` (resets as
 * RFC 3339 timestamps).
 * @module
 */
import type { RateLimitInfo } from '@lifeline/core';
import { parseResetAt } from './durations.js';
import { headerValue, type ResponseHeaders } from './send.js';

function count(headers: ResponseHeaders, name: string): number | undefined {
  const v = headerValue(headers, name);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  // Azure sends -1 for "unknown".
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function put<K extends keyof RateLimitInfo>(info: RateLimitInfo, key: K, value: RateLimitInfo[K] | undefined): void {
  if (value !== undefined) info[key] = value;
}

interface Names {
  limit: string;
  remaining: string;
  reset: string;
}
const names = (pattern: string): Names => ({
  limit: pattern.replace('%', 'limit'),
  remaining: pattern.replace('%', 'remaining'),
  reset: pattern.replace('%', 'reset'),
});

/** The header families read; for tokens, in order of preference. Built once. */
const FAMILIES: { requests: Names; tokens: Names[] }[] = [
  { requests: names('x-ratelimit-%-requests'), tokens: [names('x-ratelimit-%-tokens')] },
  {
    requests: names('anthropic-ratelimit-requests-%'),
    // `tokens-*` is the most restrictive of input and output; older responses only carry input/output.
    tokens: [names('anthropic-ratelimit-tokens-%'), names('anthropic-ratelimit-input-tokens-%'), names('anthropic-ratelimit-output-tokens-%')],
  },
];

/**
 * Parses the rate-limit headers of a response.
 *
 * @param headers - response headers
 * @param now - current time (epoch ms), to turn relative resets into absolute ones
 * @returns the normalised state, or `undefined` when the response carries no such header
 * @example
 * ```ts
 * parseRateLimit({ 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-reset-requests': '1s' }, 0)
 * // { remainingRequests: 59, resetRequestsAt: 1000 }
 * ```
 */
export function parseRateLimit(headers: ResponseHeaders, now: number = Date.now()): RateLimitInfo | undefined {
  const info: RateLimitInfo = {};
  for (const family of FAMILIES) {
    const req = family.requests;
    put(info, 'limitRequests', count(headers, req.limit));
    put(info, 'remainingRequests', count(headers, req.remaining));
    put(info, 'resetRequestsAt', parseResetAt(headerValue(headers, req.reset), now));
    for (const tok of family.tokens) {
      const limit = count(headers, tok.limit);
      const remaining = count(headers, tok.remaining);
      const reset = headerValue(headers, tok.reset);
      if (limit === undefined && remaining === undefined && reset === undefined) continue;
      put(info, 'limitTokens', limit);
      put(info, 'remainingTokens', remaining);
      put(info, 'resetTokensAt', parseResetAt(reset, now));
      break;
    }
    if (Object.keys(info).length > 0) return info;
  }
  return undefined;
}
