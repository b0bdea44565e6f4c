/**
 * Time formats the vendors use in headers and bodies: Go durations (OpenAI `x-ratelimit-reset-*`),
 * RFC 3339 timestamps (Anthropic `anthropic-ratelimit-*-reset`) and protobuf durations (Gemini
 * `RetryInfo.retryDelay`).
 *
 * @module
 */

function trimNumber(n: number, decimals: number): string {
  return String(Number(n.toFixed(decimals)));
}

/** A Go `time.Duration` string: `12ms`, `1s`, `7.66s`, `6m0s`, `2m59.56s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 1000) return `${trimNumber(ms, 3)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${trimNumber(s, 3)}s`;
}

/** An RFC 3339 UTC timestamp at whole seconds (rounded up), e.g. `2025-01-15T14:24:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A protobuf JSON duration in seconds: `45.8s`, `0.05s`, `58s`. */
export function protoDuration(ms: number): string {
  return `${trimNumber(Math.max(0, ms) / 1000, 9)}s`;
}

/**
 * Milliseconds from a `retryAfter` / `retryAfterMs` pair: `retryAfterMs` wins, then seconds
 * (number or numeric string), then an HTTP-date relative to `now`. `undefined` when neither is set.
 */
export function retryMs(retryAfter: number | string | undefined, retryAfterMs: number | undefined, now: number): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs;
  if (retryAfter === undefined) return undefined;
  const secs = Number(retryAfter);
  if (Number.isFinite(secs)) return secs * 1000;
  const date = Date.parse(String(retryAfter));
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
