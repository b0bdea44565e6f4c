/**
 * Parsers for the time formats providers put in headers and bodies: Go durations (`6m0s`),
 * protobuf durations (`45.837906927s`), seconds, HTTP-dates and RFC 3339 timestamps.
 * @module
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, 'µs': 0.001, 'μs': 0.001, ns: 0.000_001 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|us|µs|μs|ns|m|s))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|us|µs|μs|ns|m|s)/g;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Parses a Go-style duration (`1s`, `6m0s`, `12ms`, `2m59.56s`, `1h2m`) or a protobuf duration
 * (`58s`, `45.837906927s`) to milliseconds. A bare number is read as seconds.
 *
 * @param text - the duration
 * @returns milliseconds, or `undefined` when `text` is not a duration
 * @example
 * ```ts
 * parseDuration('2m59.56s') // 179560
 * ```
 */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  if (PLAIN_NUMBER.test(t)) return Number(t) * 1000;
  if (!GO_DURATION.test(t)) return undefined;
  let total = 0;
  GO_PART.lastIndex = 0;
  for (let m = GO_PART.exec(t); m; m = GO_PART.exec(t)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/**
 * Parses an absolute time: an RFC 3339 timestamp (`2025-01-15T14:24:00Z`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`).
 *
 * @returns epoch milliseconds, or `undefined` when `text` is not a date
 * @example
 * ```ts
 * parseDate('Wed, 21 Oct 2015 07:28:00 GMT') // 1445412480000
 * ```
 */
export function parseDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  // Date.parse accepts bare numbers ("5" → 2005, "-5" → 5 BC): both date forms contain a letter (a month name, or the RFC 3339 `T`).
  if (!/[a-z]/i.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Parses a reset hint to an absolute time: a duration from now (`6m0s`, `20s`, `1.5`), or an
 * absolute RFC 3339 / HTTP-date timestamp.
 *
 * @param text - the header value
 * @param now - the current time, epoch ms
 * @returns epoch milliseconds, or `undefined` when unparsable
 * @example
 * ```ts
 * parseResetAt('6m0s', 0) // 360000
 * parseResetAt('2025-01-15T14:24:00Z', now) // Date.UTC(2025, 0, 15, 14, 24)
 * ```
 */
export function parseResetAt(text: string | undefined, now: number): number | undefined {
  const d = parseDuration(text);
  if (d !== undefined) return now + d;
  return parseDate(text);
}
