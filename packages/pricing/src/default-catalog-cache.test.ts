import { ConfigurationError } from '@lifeline/core';
import * as genaiPrices from '@pydantic/genai-prices';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { genaiPricesCatalog } from './default-catalog.js';

// Count the price database's lookups: a cached price must not ask it again.
vi.mock('@pydantic/genai-prices', async (importOriginal) => {
  const original = await importOriginal<typeof import('@pydantic/genai-prices')>();
  return { ...original, calcPrice: vi.fn(original.calcPrice) };
});
const calcPrice = vi.mocked(genaiPrices.calcPrice);
beforeEach(() => {
  calcPrice.mockClear();
});

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const view = (entry: ReturnType<ReturnType<typeof genaiPricesCatalog>['get']>) => entry && [entry.inputPerMTok, entry.outputPerMTok, entry.effectiveDate, entry.note];

describe('genaiPricesCatalog: price cache', () => {
  it('computes a fixed price once, then serves the same frozen entry', () => {
    const catalog = genaiPricesCatalog();
    const first = catalog.get('gpt-4.1')!;
    const resolving = calcPrice.mock.calls.length;
    for (let i = 0; i < 100; i++) expect(catalog.get('gpt-4.1', { at: i * 7 * HOUR })).toBe(first);
    expect(calcPrice.mock.calls.length).toBe(resolving);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { inputPerMTok: number }).inputPerMTok = 0;
    }).toThrow(TypeError);
    expect(catalog.get('gpt-4.1')?.inputPerMTok).toBe(2);
  });

  it('freezes long-context tiers too', () => {
    const entry = genaiPricesCatalog().get('claude-sonnet-4-5')!;
    expect(Object.isFrozen(entry.tiers)).toBe(true);
    expect(Object.isFrozen(entry.tiers![0])).toBe(true);
  });

  it('keeps time-of-day prices exact across the window edges, whatever was cached before', () => {
    const catalog = genaiPricesCatalog();
    const edges: Array<[string, number]> = [
      ['2026-06-01T00:29:59.999Z', 0.135],
      ['2026-06-01T00:30:00.000Z', 0.27],
      ['2026-06-01T16:29:59.999Z', 0.27],
      ['2026-06-01T16:30:00.000Z', 0.135],
      ['2026-06-02T00:29:59.999Z', 0.135],
      ['2026-06-02T00:30:00.000Z', 0.27],
    ];
    for (const [iso, input] of [...edges, ...edges.toReversed(), ...edges]) {
      expect([iso, catalog.get('deepseek-chat', { at: at(iso) })?.inputPerMTok]).toEqual([iso, input]);
    }
  });

  it('keeps dated prices exact across the date (DeepSeek V4: new prices from 2026-08-17)', () => {
    const catalog = genaiPricesCatalog();
    expect(view(catalog.get('deepseek-v4-flash', { at: at('2026-08-17T00:00:00.000Z') }))).toEqual([0.22, 0.66, '2026-08-17', 'off-peak/peak prices vary by time of day']);
    expect(view(catalog.get('deepseek-v4-flash', { at: at('2026-08-16T23:59:59.999Z') }))).toEqual([0.14, 0.28, '2026-09-23', 'off-peak/peak prices vary by time of day']);
    expect(view(catalog.get('deepseek-v4-flash', { at: at('2026-08-17T01:00:00.000Z') }))).toEqual([0.44, 1.32, '2026-09-23', 'time-of-day price (01:00:00Z–04:00:00Z UTC)']);
    expect(view(catalog.get('deepseek-v4-flash', { at: new Date(at('2026-08-18T00:59:59.999Z')) }))).toEqual([0.22, 0.66, '2026-08-17', 'off-peak/peak prices vary by time of day']);
  });

  it('gives, at any instant, the price an uncached lookup gives', () => {
    const shared = genaiPricesCatalog();
    const models = ['deepseek-chat', 'deepseek-reasoner', 'deepseek-v4-flash', 'deepseek-v4-pro', 'gpt-4.1', 'claude-sonnet-4.5'];
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const from = at('2026-08-10T00:00:00Z');
    for (let i = 0; i < 300; i++) {
      const model = models[i % models.length]!;
      const when = from + Math.floor(random() * 14 * 24 * HOUR);
      expect([model, when, shared.get(model, { at: when })]).toEqual([model, when, genaiPricesCatalog().get(model, { at: when })]);
    }
  });

  it('asks the database once per span of constant price: 3 for two days of hourly DeepSeek V3 lookups', () => {
    const catalog = genaiPricesCatalog();
    catalog.get('deepseek-chat', { at: at('2026-06-01T00:00:00Z') });
    const resolving = calcPrice.mock.calls.length;
    for (let h = 0; h < 48; h++) {
      const entry = catalog.get('deepseek-chat', { at: at('2026-06-01T00:00:00Z') + h * HOUR })!;
      expect([h, entry.inputPerMTok]).toEqual([h, (h % 24) >= 1 && (h % 24) <= 16 ? 0.27 : 0.135]);
    }
    expect(calcPrice.mock.calls.length - resolving).toBe(2); // the 00:30–16:30 span and the one after 16:30
  });

  it('is bounded: beyond maxCachedNames the oldest name (and its prices) is forgotten', () => {
    const catalog = genaiPricesCatalog({ maxCachedNames: 2 });
    for (const model of ['gpt-4.1', 'o3', 'gpt-4o-mini']) catalog.get(model);
    calcPrice.mockClear();
    catalog.get('o3');
    catalog.get('gpt-4o-mini');
    expect(calcPrice).not.toHaveBeenCalled(); // the two newest are cached
    expect(catalog.get('gpt-4.1')?.inputPerMTok).toBe(2); // the oldest was forgotten: resolved and priced again
    expect(calcPrice.mock.calls.map((c) => c[1])).toEqual(['gpt-4.1', 'gpt-4.1']);
  });

  it('rejects an invalid time for a dated model, as the database does, and ignores it for a fixed price', () => {
    const catalog = genaiPricesCatalog();
    expect(() => catalog.get('deepseek-chat', { at: Number.NaN })).toThrow(RangeError);
    expect(() => catalog.get('deepseek-chat', { at: new Date('nope') })).toThrow('Invalid time value');
    expect(catalog.get('gpt-4.1', { at: Number.NaN })?.inputPerMTok).toBe(2);
  });

  it('validates maxCachedNames', () => {
    expect(() => genaiPricesCatalog({ maxCachedNames: 0 })).toThrow(ConfigurationError);
    expect(() => genaiPricesCatalog({ maxCachedNames: 0 })).toThrow('genaiPricesCatalog: maxCachedNames must be a positive integer, got 0');
    expect(() => genaiPricesCatalog({ maxCachedNames: 2.5 })).toThrow('genaiPricesCatalog: maxCachedNames must be a positive integer, got 2.5');
  });
});
