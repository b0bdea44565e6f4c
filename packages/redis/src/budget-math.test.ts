import { describe, expect, it } from 'vitest';
import { ceilNano, floorNano, roundNano, usdOf, windowEnd, windowTtlMs } from './budget-math.js';

describe('budget math', () => {
  it('rounds reservations up and limits down, exactly for decimal dollars', () => {
    expect(ceilNano(0.1)).toBe(100_000_000);
    expect(floorNano(0.1)).toBe(100_000_000);
    expect(ceilNano(1.0000000015)).toBe(1_000_000_002);
    expect(floorNano(1.0000000015)).toBe(1_000_000_001);
    expect(roundNano(0.00901)).toBe(9_010_000);
    expect(usdOf(9_010_000)).toBe(0.00901);
  });

  it('reads the end of each kind of window from its key', () => {
    expect(windowEnd('day:2026-11-24')).toBe(Date.UTC(2026, 10, 25));
    expect(windowEnd('month:2026-12')).toBe(Date.UTC(2027, 0, 1));
    expect(windowEnd('3600000ms:000000000493152')).toBe(493_153 * 3_600_000);
    expect(windowEnd('week:2026-48')).toBeUndefined();
  });

  it('keeps a window until its end plus the grace period (32 days for an unknown shape)', () => {
    const now = Date.UTC(2026, 10, 24, 12);
    expect(windowTtlMs('day:2026-11-24', 1000, now)).toBe(12 * 3_600_000 + 1000);
    expect(windowTtlMs('day:2026-11-20', 1000, now)).toBe(1000);
    expect(windowTtlMs('week:2026-48', 0, now)).toBe(32 * 86_400_000);
  });
});
