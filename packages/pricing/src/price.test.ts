import { describe, expect, it } from 'vitest';
import { type PriceEntry, pricesFor } from './price.js';

const about = { model: 'm', currency: 'USD', source: 'test', effectiveDate: '2026-01-01' } as const;
const entry: PriceEntry = {
  ...about,
  inputPerMTok: 3,
  outputPerMTok: 15,
  cachedInputPerMTok: 0.3,
  tiers: [{ aboveInputTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5 }, { aboveInputTokens: 500_000, inputPerMTok: 9 }],
};

describe('pricesFor', () => {
  it('keeps the base prices up to and including a tier’s threshold', () => {
    expect(pricesFor(entry, 200_000)).toStrictEqual({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 });
  });

  it('above a threshold, the tier overrides only the prices it sets', () => {
    expect(pricesFor(entry, 200_001)).toStrictEqual({ inputPerMTok: 6, outputPerMTok: 22.5, cachedInputPerMTok: 0.3 });
    expect(pricesFor(entry, 500_001)).toStrictEqual({ inputPerMTok: 9, outputPerMTok: 22.5, cachedInputPerMTok: 0.3 });
  });

  it('an entry without optional prices gives none', () => {
    expect(pricesFor({ ...about, inputPerMTok: 1, outputPerMTok: 2 }, 10)).toStrictEqual({ inputPerMTok: 1, outputPerMTok: 2 });
  });
});
