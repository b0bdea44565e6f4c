import { ConfigurationError } from '@lifeline/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from './catalog.js';
import { defaultCatalog } from './default-catalog.js';
import { loadCatalog } from './load-catalog.js';
import { savingsReport } from './savings.js';
import { formatSavingsTable } from './savings-table.js';

let relay: Catalog;
beforeAll(async () => {
  relay = await loadCatalog(new URL('../../../examples/catalogs/relay.yaml', import.meta.url).pathname);
});

// The "official" prices the seed tutorial compares itself against (its _get_official_price).
const tutorialOfficial = createCatalog({
  name: 'tutorial-official',
  source: 'seed tutorial _get_official_price()',
  effectiveDate: '2026-11-24',
  models: {
    'gpt-4.1': { inputPerMTok: 15, outputPerMTok: 60 },
    'claude-sonnet-4.5': { inputPerMTok: 15, outputPerMTok: 75 },
    'gemini-2.5-flash': { inputPerMTok: 1.25, outputPerMTok: 5 },
    'deepseek-v3.2': { inputPerMTok: 0.27, outputPerMTok: 1.1 },
  },
});

describe('savingsReport', () => {
  it('compares the relay with official prices: the relay costs MORE for every model (negative savings)', () => {
    const report = savingsReport(relay, defaultCatalog, { monthlyInputTokens: 10e6, monthlyOutputTokens: 10e6 });
    expect(report.rows.map((r) => [r.model, r.price.inputPerMTok, r.reference?.inputPerMTok, r.inputSavingsPct, r.price.outputPerMTok, r.reference?.outputPerMTok, r.outputSavingsPct])).toEqual([
      ['gpt-4.1', 8, 2, -300, 32, 8, -300],
      ['claude-sonnet-4.5', 15, 3, -400, 75, 15, -400],
      ['gemini-2.5-flash', 2.5, 0.3, -733.3, 10, 2.5, -300],
      ['deepseek-v3.2', 0.42, 0.2288, -83.6, 1.68, 0.3432, -389.5],
    ]);
    expect(report.rows.map((r) => [r.monthly?.catalogUsd, r.monthly?.referenceUsd, r.monthly?.savedUsd, r.monthly?.savingsPct])).toEqual([
      [400, 100, -300, -300],
      [900, 180, -720, -400],
      [125, 28, -97, -346.4],
      [21, 5.72, -15.28, -267.1],
    ]);
    expect(report.monthlyTotal).toEqual({ catalogUsd: 1446, referenceUsd: 313.72, savedUsd: -1132.28, savingsPct: -360.9 });
    expect([report.catalog, report.reference, report.missing]).toEqual(['relay', 'genai-prices', []]);
  });

  it("reproduces the tutorial's own comparison: 46.7% on gpt-4.1, not the advertised 85%", () => {
    const report = savingsReport(relay, tutorialOfficial, { monthlyInputTokens: 1e6 });
    expect(report.rows.map((r) => [r.model, r.inputSavingsPct, r.outputSavingsPct])).toEqual([
      ['gpt-4.1', 46.7, 46.7],
      ['claude-sonnet-4.5', 0, 0],
      ['gemini-2.5-flash', -100, -100],
      ['deepseek-v3.2', -55.6, -52.7],
    ]);
    expect(report.rows[0]?.monthly).toEqual({ inputTokens: 1e6, outputTokens: 0, catalogUsd: 8, referenceUsd: 15, savedUsd: 7, savingsPct: 46.7 });
  });

  it('lists models without a price, leaves savings undefined without a reference, and skips the projection without volumes', () => {
    const report = savingsReport(relay, tutorialOfficial, { models: ['gpt-4.1', 'gpt-9'] });
    expect(report.missing).toEqual(['gpt-9']);
    expect(report.monthlyTotal).toBeUndefined();
    expect(report.rows[0]?.monthly).toBeUndefined();
    const noRef = savingsReport(relay, createCatalog({ source: 's', effectiveDate: '2026-01-01', models: {} }), {});
    expect(noRef.rows.every((r) => r.reference === undefined && r.inputSavingsPct === undefined)).toBe(true);
  });

  it('needs a list of models from the catalog or the options, and valid volumes', () => {
    expect(() => savingsReport(defaultCatalog, relay)).toThrow(ConfigurationError);
    expect(() => savingsReport(defaultCatalog, relay)).toThrow('savingsReport: catalog "genai-prices" cannot list its models; pass options.models');
    expect(() => savingsReport(relay, defaultCatalog, { monthlyInputTokens: -5 })).toThrow('savingsReport: monthlyInputTokens must be a non-negative number, got -5');
  });
});

describe('formatSavingsTable', () => {
  it('renders prices, savings, monthly projection, missing models and sources', () => {
    const table = formatSavingsTable(savingsReport(relay, defaultCatalog, { monthlyInputTokens: 10e6, monthlyOutputTokens: 10e6, models: [...relay.models!(), 'gpt-9'] }));
    const lines = table.split('\n');
    expect(lines[0]).toBe('model              relay in/out   genai-prices in/out  input saved  output saved  relay/month  genai-prices/month           saved/month');
    expect(lines[2]).toBe('gpt-4.1            8.00 / 32.00   2.00 / 8.00              -300.0%       -300.0%      $400.00             $100.00              -$300.00');
    expect(lines[4]).toBe('gemini-2.5-flash   2.50 / 10.00   0.30 / 2.50              -733.3%       -300.0%      $125.00              $28.00               -$97.00');
    expect(lines[5]).toBe('deepseek-v3.2      0.42 / 1.68    0.2288 / 0.3432           -83.6%       -389.5%       $21.00               $5.72               -$15.28');
    expect(lines[6]).toBe('total                                                                               $1,446.00             $313.72  -$1,132.28 (-360.9%)');
    expect(lines).toContain('Prices in USD per million tokens. A negative saving means the first catalog costs MORE.');
    expect(lines).toContain('No price in relay: gpt-9');
    expect(lines).toContain('  relay: vendor claim (HolySheep tutorial), not verified (2026-11-24)');
    expect(lines).toContain('  genai-prices: @pydantic/genai-prices 0.1.8 (OpenAI: https://developers.openai.com/api/docs/pricing) (2026-09-23)');
  });

  it('omits the monthly columns when the report has no projection', () => {
    const lines = formatSavingsTable(savingsReport(relay, tutorialOfficial, { models: ['gpt-4.1'] })).split('\n');
    expect(lines[0]).toBe('model    relay in/out  tutorial-official in/out  input saved  output saved');
    expect(lines[2]).toBe('gpt-4.1  8.00 / 32.00  15.00 / 60.00                   46.7%         46.7%');
  });
});
