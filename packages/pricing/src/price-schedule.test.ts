import { calcPrice, type ModelInfo, type Provider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { epochMs, priceSchedule, spanAt } from './price-schedule.js';

const modelOf = (id: string): ModelInfo => {
  const found = calcPrice({}, id);
  if (!found) throw new Error(`no model ${id}`);
  return found.model;
};
const synthetic = (prices: ModelInfo['prices']): ModelInfo => ({ id: 'synthetic', match: { equals: 'synthetic' }, prices }) as ModelInfo;
const P = { input_mtok: 1, output_mtok: 2 };

describe('priceSchedule', () => {
  it('a model with one price has a single span, whatever the instant', () => {
    const schedule = priceSchedule(modelOf('gpt-4.1'))!;
    expect(schedule).toEqual({ timed: false, dates: [], times: [], spans: 1 });
    expect(spanAt(schedule, Date.UTC(2026, 0, 1, 3))).toBe(0);
  });

  it('DeepSeek V3 peak window 00:30–16:30 UTC: three spans of the day', () => {
    const schedule = priceSchedule(modelOf('deepseek-chat'))!;
    expect(schedule).toEqual({ timed: true, dates: [], times: [1800, 59_400], spans: 3 });
    const at = (h: number, m: number, s = 0, ms = 0) => spanAt(schedule, Date.UTC(2026, 5, 1, h, m, s, ms));
    expect([at(0, 29, 59, 999), at(0, 30), at(16, 29, 59, 999), at(16, 30), at(23, 59, 59, 999)]).toEqual([0, 1, 1, 2, 2]);
  });

  it('DeepSeek V4: a dated change and two peak windows make (1 + 1) × (4 + 1) spans', () => {
    const schedule = priceSchedule(modelOf('deepseek-v4-flash'))!;
    expect(schedule).toEqual({ timed: true, dates: [Date.UTC(2026, 7, 17)], times: [3600, 14_400, 21_600, 36_000], spans: 10 });
    expect(spanAt(schedule, Date.UTC(2026, 7, 16, 23, 59, 59, 999))).toBe(4); // before the date, after 10:00
    expect(spanAt(schedule, Date.UTC(2026, 7, 17))).toBe(5); // on the date, before 01:00
    expect(spanAt(schedule, Date.UTC(2026, 7, 17, 1))).toBe(6);
    expect(spanAt(schedule, Date.UTC(2026, 7, 17, 6))).toBe(8);
  });

  it('reads offsets and fractions of time-of-day constraints as UTC seconds, and instants before 1970', () => {
    const schedule = priceSchedule(synthetic([{ prices: P }, { constraint: { type: 'time_of_date', start_time: '02:00:00.5+02:00', end_time: '23:30:00-01:00' }, prices: P }]))!;
    expect(schedule.times).toEqual([0.5, 1800]);
    expect(spanAt(schedule, Date.UTC(1969, 11, 31, 0, 0, 0, 500))).toBe(1);
    expect(spanAt(schedule, Date.UTC(1969, 11, 31, 0, 0, 0, 499))).toBe(0);
  });

  it('agrees with the database on where such a window starts and ends', () => {
    const model = synthetic([{ prices: P }, { constraint: { type: 'time_of_date', start_time: '02:00:00.5+02:00', end_time: '23:30:00-01:00' }, prices: { input_mtok: 9, output_mtok: 9 } }]);
    const provider = { id: 'synthetic', name: 'Synthetic', api_pattern: 'synthetic', models: [model] } as unknown as Provider;
    const schedule = priceSchedule(model)!;
    const days = [Date.UTC(1969, 11, 31), Date.UTC(2026, 5, 1), Date.UTC(2027, 0, 1)];
    const offsets = [0, 1, 499, 500, 501, 1_799_999, 1_800_000, 1_800_001, 86_399_999];
    for (const ms of days.flatMap((d) => offsets.map((o) => d + o))) {
      const peak = calcPrice({}, 'synthetic', { provider, timestamp: new Date(ms) })!.model_price.input_mtok === 9;
      expect([ms, spanAt(schedule, ms) === 1]).toEqual([ms, peak]);
    }
  });

  it('gives up (undefined: no caching) on a constraint it cannot read', () => {
    expect(priceSchedule(synthetic([{ prices: P }, { constraint: { type: 'time_of_date', start_time: '25:00:00Z', end_time: '01:00:00Z' }, prices: P }]))).toBeUndefined();
    expect(priceSchedule(synthetic([{ prices: P }, { constraint: { type: 'weekday', day: 6 } as never, prices: P }]))).toBeUndefined();
  });
});

describe('epochMs', () => {
  it('reads at as new Date(at) would, without allocating one', () => {
    expect(epochMs(1_700_000_000_123.9)).toBe(1_700_000_000_123);
    expect(epochMs(-1.5)).toBe(-1);
    expect(epochMs(new Date(86_400_000))).toBe(86_400_000);
    expect(epochMs(8.64e15 + 1)).toBeNaN();
    expect(epochMs(Number.POSITIVE_INFINITY)).toBeNaN();
    const now = Date.now();
    expect(epochMs(undefined)).toBeGreaterThanOrEqual(now);
  });
});
