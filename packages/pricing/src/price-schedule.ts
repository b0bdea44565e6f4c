/**
 * When a model's price can change: the instants of its dated prices and the times of day of its
 * peak/off-peak prices. Between two consecutive boundaries `@pydantic/genai-prices` selects the
 * same price for every instant, so one lookup per span is enough — that is what lets
 * `defaultCatalog.get()` cache a price without ever serving it outside the window it applies to.
 * @module
 */
import type { ModelInfo } from '@pydantic/genai-prices';

const DAY_MS = 86_400_000;
/** `HH:MM:SS[.fff](Z|±HH:MM)`, the time-of-day format of the price data. */
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * The boundaries that split time into spans of one price, for one model.
 * A span is identified by how many date boundaries and how many time-of-day boundaries lie at or
 * before an instant: every constraint of the data (`start_date`: at or after a date;
 * `time_of_date`: within `[start, end)` of the UTC day) is decided by exactly those counts.
 */
export interface PriceSchedule {
  /** True when the model has a list of constrained prices (the instant matters at all). */
  readonly timed: boolean;
  /** Epoch ms of each `start_date` constraint, ascending, distinct. */
  readonly dates: readonly number[];
  /** Seconds into the UTC day of each time-of-day window's start and end, ascending, distinct. */
  readonly times: readonly number[];
  /** Number of distinct spans: `(dates.length + 1) × (times.length + 1)`. */
  readonly spans: number;
}

/**
 * Seconds into the UTC day of a `HH:MM:SS[.fff](Z|±HH:MM)` time, as the price data's own parser
 * reads it; `undefined` when malformed.
 */
function secondsOfDay(time: unknown): number | undefined {
  const m = typeof time === 'string' ? TIME.exec(time) : null;
  if (!m) return undefined;
  const [, hh, mm, ss, fraction = '', zone, sign, oh = '00', om = '00'] = m;
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)];
  if (h > 23 || min > 59 || s > 59 || oh > '23' || om > '59') return undefined;
  const local = h * 3600 + min * 60 + s + Number(`0.${fraction}`);
  const offset = (Number(oh) * 60 + Number(om)) * 60;
  const shift = zone === 'Z' ? 0 : sign === '+' ? offset : -offset;
  return (local - shift + 86_400) % 86_400;
}

const sortedDistinct = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b);

/**
 * The schedule of `model`'s prices, or `undefined` when a constraint is of a kind this function
 * does not know (then the price must be looked up on every call).
 *
 * @param model - the model as the price data lists it
 * @returns its schedule; a model with one fixed price has a single span
 * @example
 * ```ts
 * priceSchedule(deepseekChat); // { timed: true, dates: [], times: [1800, 59400], spans: 3 }
 * ```
 */
export function priceSchedule(model: ModelInfo): PriceSchedule | undefined {
  if (!Array.isArray(model.prices)) return { timed: false, dates: [], times: [], spans: 1 };
  const dates: number[] = [];
  const times: number[] = [];
  for (const { constraint } of model.prices) {
    if (constraint === undefined) continue;
    if (constraint.type === 'start_date') {
      // The data compares `timestamp >= new Date(start_date)`; an unparseable date is never reached.
      const at = new Date(constraint.start_date).getTime();
      if (!Number.isNaN(at)) dates.push(at);
    } else if (constraint.type === 'time_of_date') {
      const start = secondsOfDay(constraint.start_time);
      const end = secondsOfDay(constraint.end_time);
      if (start === undefined || end === undefined) return undefined;
      times.push(start, end);
    } else {
      return undefined;
    }
  }
  const d = sortedDistinct(dates);
  const t = sortedDistinct(times);
  return { timed: true, dates: d, times: t, spans: (d.length + 1) * (t.length + 1) };
}

/** How many of `bounds` (ascending) are at or before `value`. */
function countAtOrBefore(bounds: readonly number[], value: number): number {
  let n = 0;
  while (n < bounds.length && bounds[n]! <= value) n++;
  return n;
}

/**
 * The span `ms` falls in: an index in `[0, schedule.spans)`. Two instants in the same span get
 * the same price. Seconds of the day are computed exactly as the price data does
 * (whole seconds plus milliseconds / 1000).
 *
 * @param schedule - the model's schedule
 * @param ms - epoch milliseconds (an integer, not NaN)
 * @returns the span index
 * @example
 * ```ts
 * spanAt(schedule, Date.UTC(2026, 5, 1, 1, 0)); // 1 for deepseek-chat: inside 00:30–16:30 UTC
 * ```
 */
export function spanAt(schedule: PriceSchedule, ms: number): number {
  if (schedule.spans === 1) return 0;
  const ofDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  const seconds = Math.floor(ofDay / 1000) + (ofDay % 1000) / 1e3;
  return countAtOrBefore(schedule.dates, ms) * (schedule.times.length + 1) + countAtOrBefore(schedule.times, seconds);
}

/**
 * Epoch ms of a lookup's `at`, with `new Date(at)`'s semantics (fractions truncated, NaN when out
 * of range), without allocating a Date.
 *
 * @param at - `PriceLookupOptions.at`
 * @returns epoch ms, or NaN for an invalid time
 * @example
 * ```ts
 * epochMs(1.9); // 1
 * ```
 */
export function epochMs(at: number | Date | undefined): number {
  if (at === undefined) return Date.now();
  if (typeof at === 'number') return Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? Math.trunc(at) + 0 : Number.NaN;
  return at instanceof Date ? at.getTime() : new Date(at as never).getTime();
}
