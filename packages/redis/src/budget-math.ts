/**
 * Budget arithmetic for Redis: USD held as integer nano-dollars (exact in Lua's doubles up to
 * $9 million), reservations rounded up and limits down so rounding never lets spend pass a
 * limit; and how long a window's key must live.
 * @module
 */

/** USD → nano-USD, rounded up (reservations). */
export function ceilNano(usd: number): number {
  return Math.ceil(Math.round(usd * 1e12) / 1e3);
}

/** USD → nano-USD, rounded down (limits). */
export function floorNano(usd: number): number {
  return Math.floor(Math.round(usd * 1e12) / 1e3);
}

/** USD → nano-USD, rounded to nearest (spend). */
export function roundNano(usd: number): number {
  return Math.round(Math.round(usd * 1e12) / 1e3);
}

/** nano-USD → USD. */
export function usdOf(nano: number): number {
  return nano / 1e9;
}

/**
 * Epoch ms when the window of `windowKey` ends (`day:2026-11-24`, `month:2026-11`,
 * `3600000ms:000000000493152`), or `undefined` for a key of another shape.
 */
export function windowEnd(windowKey: string): number | undefined {
  let m = /^day:(\d{4})-(\d{2})-(\d{2})$/.exec(windowKey);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  m = /^month:(\d{4})-(\d{2})$/.exec(windowKey);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]), 1);
  m = /^(\d+)ms:(\d+)$/.exec(windowKey);
  if (m) return (Number(m[2]) + 1) * Number(m[1]);
  return undefined;
}

/** Longest a window key lives when its end cannot be read from the key. */
const UNKNOWN_WINDOW_TTL_MS = 32 * 86_400_000;

/** How long the key of `windowKey` must live from now: until the window ends, plus `graceMs`. */
export function windowTtlMs(windowKey: string, graceMs: number, now = Date.now()): number {
  const end = windowEnd(windowKey);
  return Math.ceil(Math.max(0, end === undefined ? UNKNOWN_WINDOW_TTL_MS : end - now) + graceMs);
}
