import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { chainCatalogs, createCatalog } from './catalog.js';
import { defaultCatalog } from './default-catalog.js';
import { loadCatalog, parseCatalog } from './load-catalog.js';

const RELAY_YAML = new URL('../../../examples/catalogs/relay.yaml', import.meta.url);

describe('createCatalog', () => {
  const relay = createCatalog({
    name: 'relay',
    source: 'https://relay.example/pricing',
    effectiveDate: '2026-01-01',
    models: {
      'gpt-4.1': { inputPerMTok: 8, outputPerMTok: 32, cachedInputPerMTok: 2 },
      'claude-sonnet-4.5': { inputPerMTok: 15, outputPerMTok: 75, source: 'invoice #42', effectiveDate: '2026-02-01', aliases: ['sonnet'] },
    },
  });

  it('keeps provenance on every entry (own, or inherited from the catalog)', () => {
    expect(relay.get('gpt-4.1')).toEqual({
      model: 'gpt-4.1', inputPerMTok: 8, outputPerMTok: 32, cachedInputPerMTok: 2, currency: 'USD', source: 'https://relay.example/pricing', effectiveDate: '2026-01-01',
    });
    expect(relay.get('claude-sonnet-4.5')).toMatchObject({ source: 'invoice #42', effectiveDate: '2026-02-01' });
    expect(relay.models?.()).toEqual(['gpt-4.1', 'claude-sonnet-4.5']);
  });

  it.each(['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4.5', 'Claude-Sonnet-4.5', 'sonnet'])('resolves %s', (name) => {
    expect(relay.get(name)?.model).toBe('claude-sonnet-4.5');
  });

  it.each(['gpt-4.1-2025-04-14', 'openai/gpt-4.1', 'gpt-4-1'])('resolves %s', (name) => {
    expect(relay.get(name)?.model).toBe('gpt-4.1');
  });

  it('returns undefined for a model it does not list', () => {
    expect(relay.get('gpt-4.1-mini')).toBeUndefined();
    expect(relay.get('gemini-2.5-flash')).toBeUndefined();
  });

  it('keeps optional fields, sorts tiers, accepts zero prices and null optional ones, and answers nothing for an empty name', () => {
    const c = createCatalog({
      name: 'c', source: 's', effectiveDate: '2026-01-01', provider: 'acme', note: 'vendor claim',
      models: {
        m: { inputPerMTok: 0, outputPerMTok: 2, cachedInputPerMTok: null, aliases: [' alias-m '], tiers: [{ aboveInputTokens: 500, inputPerMTok: 3 }, { aboveInputTokens: 0, inputPerMTok: 1 }] },
        n: { inputPerMTok: 1, outputPerMTok: 1 },
      },
    } as never);
    expect(c.get('m')).toStrictEqual({
      model: 'm', inputPerMTok: 0, outputPerMTok: 2, currency: 'USD', source: 's', effectiveDate: '2026-01-01', provider: 'acme', note: 'vendor claim',
      tiers: [{ aboveInputTokens: 0, inputPerMTok: 1 }, { aboveInputTokens: 500, inputPerMTok: 3 }],
    });
    expect(c.get('alias-m')?.model).toBe('m');
    expect(c.get('')).toBeUndefined();
    expect(c.get(5 as never)).toBeUndefined();
    (c.models!() as string[]).push('mutated'); // a copy: the catalog's own list is untouched
    expect(c.models!()).toEqual(['m', 'n']);
  });

  it('converts another currency to USD and says so in the source', () => {
    const cny = createCatalog({ currency: 'CNY', usdPerUnit: 0.14, source: 'price list', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 10, outputPerMTok: 20 } } });
    expect(cny.get('m')).toMatchObject({ inputPerMTok: 1.4000000000000001, outputPerMTok: 2.8000000000000003, currency: 'USD', source: 'price list (converted from CNY at 0.14 USD/CNY)' });
  });

  it.each([
    [{ models: { m: { inputPerMTok: 1, outputPerMTok: 2 } }, effectiveDate: '2026-01-01' }, 'catalog "custom": models["m"].source (or the catalog source) must say where the price came from, got undefined'],
    [{ models: { m: { inputPerMTok: 1, outputPerMTok: 2 } }, source: 's' }, 'catalog "custom": models["m"].effectiveDate (or the catalog effectiveDate) must be a YYYY-MM-DD date, got undefined'],
    [{ models: { m: { inputPerMTok: '8', outputPerMTok: 2 } }, source: 's', effectiveDate: '2026-01-01' }, 'catalog "custom": models["m"].inputPerMTok must be a non-negative number (USD per million tokens), got "8"'],
    [{ models: { m: { inputPerMTok: 1 } }, source: 's', effectiveDate: '2026-01-01' }, 'catalog "custom": models["m"].outputPerMTok must be a non-negative number (USD per million tokens), got undefined'],
    [{ models: { m: { inputPerMTok: 1, outputPerMTok: -2 } }, source: 's', effectiveDate: '2026-01-01' }, 'catalog "custom": models["m"].outputPerMTok must be a non-negative number (USD per million tokens), got -2'],
    [{ name: 'x', models: [] }, 'catalog "x": models must be an object of model id → prices, got '],
    [{ currency: 'EUR', source: 's', effectiveDate: '2026-01-01', models: {} }, 'catalog "custom": usdPerUnit must be a positive number when currency is EUR, got undefined'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2, tiers: [{ aboveInputTokens: -1 }] } } }, 'catalog "custom": models["m"].tiers[0].aboveInputTokens must be a non-negative integer, got -1'],
    [null, 'createCatalog: data must be an object, got null'],
    [{ models: null }, 'catalog "custom": models must be an object of model id → prices, got null'],
    [{ models: 'm' }, 'catalog "custom": models must be an object of model id → prices, got "m"'],
    [{ currency: 'eur', usdPerUnit: 0, models: {} }, 'catalog "custom": usdPerUnit must be a positive number when currency is EUR, got 0'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: null } }, 'catalog "custom": models["m"] must be an object of prices, got null'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: [1, 2] } }, 'catalog "custom": models["m"] must be an object of prices, got 1,2'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { outputPerMTok: 2 } } }, 'catalog "custom": models["m"].inputPerMTok must be a non-negative number (USD per million tokens), got undefined'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: Number.POSITIVE_INFINITY, outputPerMTok: 2 } } }, 'catalog "custom": models["m"].inputPerMTok must be a non-negative number (USD per million tokens), got Infinity'],
    [{ source: '  ', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2 } } }, 'catalog "custom": models["m"].source (or the catalog source) must say where the price came from, got "  "'],
    [{ source: 's', effectiveDate: '2026-1-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2 } } }, 'catalog "custom": models["m"].effectiveDate (or the catalog effectiveDate) must be a YYYY-MM-DD date, got "2026-1-01"'],
    [{ source: 's', effectiveDate: 'x2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2 } } }, 'catalog "custom": models["m"].effectiveDate (or the catalog effectiveDate) must be a YYYY-MM-DD date, got "x2026-01-01"'],
    [{ source: 's', effectiveDate: '2026-01-01x', models: { m: { inputPerMTok: 1, outputPerMTok: 2 } } }, 'catalog "custom": models["m"].effectiveDate (or the catalog effectiveDate) must be a YYYY-MM-DD date, got "2026-01-01x"'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2, tiers: {} } } }, 'catalog "custom": models["m"].tiers must be an array, got [object Object]'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2, tiers: [null] } } }, 'catalog "custom": models["m"].tiers[0] must be an object, got null'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2, tiers: [{ aboveInputTokens: 1.5 }] } } }, 'catalog "custom": models["m"].tiers[0].aboveInputTokens must be a non-negative integer, got 1.5'],
    [{ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 2, tiers: [{ aboveInputTokens: '5' }] } } }, 'catalog "custom": models["m"].tiers[0].aboveInputTokens must be a non-negative integer, got "5"'],
  ])('rejects an invalid catalog (%#)', (data, message) => {
    expect(() => createCatalog(data as never)).toThrow(ConfigurationError);
    expect(() => createCatalog(data as never)).toThrow(message);
  });

  it('chainCatalogs falls back in order', () => {
    const chained = chainCatalogs(relay, defaultCatalog);
    expect(chained.get('gpt-4.1')?.inputPerMTok).toBe(8);
    expect(chained.get('gpt-4o-mini')?.inputPerMTok).toBe(0.15);
    expect(chained.get('nope')).toBeUndefined();
    expect(chained.name).toBe('relay > genai-prices');
  });
});

describe('loading catalogs', () => {
  it('loads the seed relay catalog (YAML), marked as vendor-claimed', async () => {
    const relay = await loadCatalog(RELAY_YAML.pathname);
    expect(relay.name).toBe('relay');
    expect(relay.models?.()).toEqual(['gpt-4.1', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'deepseek-v3.2']);
    const prices = relay.models!().map((m) => [m, relay.get(m)!.inputPerMTok, relay.get(m)!.outputPerMTok]);
    expect(prices).toEqual([['gpt-4.1', 8, 32], ['claude-sonnet-4.5', 15, 75], ['gemini-2.5-flash', 2.5, 10], ['deepseek-v3.2', 0.42, 1.68]]);
    for (const m of relay.models!()) {
      expect(relay.get(m)).toMatchObject({ source: 'vendor claim (HolySheep tutorial), not verified', effectiveDate: '2026-11-24', currency: 'USD' });
    }
  });

  it('loads JSON by extension and names the catalog after the file when it has no name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-pricing-'));
    try {
      const file = join(dir, 'prices.json');
      await writeFile(file, JSON.stringify({ source: 'contract', effectiveDate: '2026-03-01', models: { 'my-model': { inputPerMTok: 1, outputPerMTok: 3 } } }));
      const catalog = await loadCatalog(file);
      expect(catalog.name).toBe(file);
      expect(catalog.get('my-model')).toMatchObject({ inputPerMTok: 1, outputPerMTok: 3, source: 'contract' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports unreadable files and invalid text as ConfigurationError', async () => {
    await expect(loadCatalog('/nonexistent/prices.yaml')).rejects.toThrow(ConfigurationError);
    await expect(loadCatalog('/nonexistent/prices.yaml')).rejects.toThrow(/^loadCatalog: cannot read \/nonexistent\/prices\.yaml: ENOENT/);
    expect(() => parseCatalog('{ "models": ', 'json', 'inline')).toThrow(/^inline: not valid JSON: /);
    expect(() => parseCatalog('- a\n- b', 'yaml', 'inline')).toThrow('inline: a catalog must be an object with "models", got an array');
    expect(() => parseCatalog('models: [', 'yaml', 'inline')).toThrow(ConfigurationError);
  });
});
