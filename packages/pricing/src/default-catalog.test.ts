import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCatalog, genaiPricesCatalog, GENAI_PRICES_DATE, GENAI_PRICES_VERSION } from './default-catalog.js';

afterEach(() => vi.restoreAllMocks());

describe('defaultCatalog (@pydantic/genai-prices, bundled data)', () => {
  it('returns the public shape with source and effectiveDate', () => {
    expect(defaultCatalog.get('gpt-4.1')).toEqual({
      model: 'gpt-4.1',
      inputPerMTok: 2,
      outputPerMTok: 8,
      cachedInputPerMTok: 0.5,
      currency: 'USD',
      source: '@pydantic/genai-prices 0.1.8 (OpenAI: https://developers.openai.com/api/docs/pricing)',
      effectiveDate: '2026-09-23',
      provider: 'openai',
    });
  });

  it('carries cache-write prices and long-context tiers', () => {
    const entry = defaultCatalog.get('claude-sonnet-4-5')!;
    expect(entry).toMatchObject({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, cacheWrite1hPerMTok: 6, provider: 'anthropic' });
    expect(entry.tiers).toEqual([{ aboveInputTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5, cachedInputPerMTok: 0.6, cacheWritePerMTok: 7.5, cacheWrite1hPerMTok: 12 }]);
  });

  it.each([
    ['claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['openai/gpt-4.1', 'gpt-4.1'],
    ['OpenAI/GPT-4.1', 'gpt-4.1'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['google/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['deepseek-v3.2', 'deepseek-v3.2'],
    ['deepseek-v3-2', 'deepseek-v3.2'],
  ])('resolves the alias %s to %s', (name, id) => {
    expect(defaultCatalog.get(name)?.model).toBe(id);
  });

  it('says clearly when a model has no price: undefined, never 0', () => {
    expect(defaultCatalog.get('my-finetune-v7')).toBeUndefined();
    expect(defaultCatalog.get('')).toBeUndefined();
  });

  it('picks dated and time-of-day prices by the call time', () => {
    const peak = defaultCatalog.get('deepseek-chat', { at: Date.UTC(2026, 5, 1, 1, 0) })!;
    const offPeak = defaultCatalog.get('deepseek-chat', { at: new Date(Date.UTC(2026, 5, 1, 20, 0)) })!;
    expect([peak.inputPerMTok, peak.outputPerMTok, peak.note]).toEqual([0.27, 1.1, 'time-of-day price (00:30:00Z–16:30:00Z UTC)']);
    expect([offPeak.inputPerMTok, offPeak.outputPerMTok, offPeak.note]).toEqual([0.135, 0.55, 'off-peak/peak prices vary by time of day']);
    const before = defaultCatalog.get('deepseek-v4-flash', { at: Date.UTC(2026, 7, 16, 12) })!;
    const after = defaultCatalog.get('deepseek-v4-flash', { at: Date.UTC(2026, 7, 18, 12) })!;
    expect([before.inputPerMTok, before.effectiveDate]).toEqual([0.14, GENAI_PRICES_DATE]);
    expect([after.inputPerMTok, after.effectiveDate]).toEqual([0.22, '2026-08-17']);
  });

  it('can be pinned to one provider', () => {
    const anthropic = genaiPricesCatalog({ providerId: 'anthropic' });
    expect(anthropic.get('claude-opus-4-1')?.inputPerMTok).toBe(15);
    expect(anthropic.get('gpt-4.1')).toBeUndefined();
    expect(anthropic.name).toBe('genai-prices:anthropic');
  });

  it('works offline: lookups never touch the network', () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    for (const m of ['gpt-4o-mini', 'gemini-2.5-pro', 'claude-3-5-sonnet-latest', 'nope']) genaiPricesCatalog().get(m);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('prints no warnings for the models it prices', () => {
    const warn = vi.spyOn(console, 'warn');
    for (const m of ['gpt-4.1', 'gpt-5', 'o3', 'claude-sonnet-4-5', 'claude-opus-4-1', 'gemini-2.5-pro', 'gemini-2.5-flash', 'deepseek-chat']) {
      expect(genaiPricesCatalog().get(m)).toBeDefined();
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('GENAI_PRICES_VERSION matches the installed data (the dependency is pinned)', async () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@pydantic/genai-prices');
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe(GENAI_PRICES_VERSION);
    const own = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(own.dependencies['@pydantic/genai-prices']).toBe(GENAI_PRICES_VERSION);
  });
});
