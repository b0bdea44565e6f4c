/**
 * providerMetadata.lifeline tells the cache state, cost and a degraded answer, over real HTTP.
 */
import { cache } from '@lifeline/cache';
import { createClient, fallbackResponse } from '@lifeline/core';
import { createCatalog, meter } from '@lifeline/pricing';
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, mock, relay } from '../../test/mocks.js';
import { createLifeline } from './provider.js';

closeAfterEach();

describe('providerMetadata.lifeline', () => {
  it('cost from meter(), then a cache hit that made no request', async () => {
    const server = await mock({ text: 'Cached answer.', script: () => ({ reply: { usage: { promptTokens: 1_000, completionTokens: 100 } } }) });
    const prices = createCatalog({ name: 'relay', source: 'test', effectiveDate: '2026-01-01', models: { 'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 } } });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server), use: [cache({ ttlMs: 60_000 }), meter({ catalogs: { primary: prices } })] }));
    const first = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Same question', temperature: 0 });
    const second = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Same question', temperature: 0 });

    expect(first.providerMetadata?.lifeline).toMatchObject({ provider: 'primary', cache: 'miss', attempts: 1, costUsd: (1_000 * 2 + 100 * 8) / 1e6 });
    expect(second.text).toBe('Cached answer.');
    expect(second.providerMetadata?.lifeline).toMatchObject({ cache: 'hit', attempts: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('a degraded answer is flagged as such', async () => {
    const server = await mock({ script: { status: 503 } });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server), use: [fallbackResponse({ content: 'We are busy, please retry.' })] }));
    const { text, providerMetadata } = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi' });
    expect(text).toBe('We are busy, please retry.');
    expect(providerMetadata?.lifeline).toMatchObject({ degraded: true, attempts: 1 });
  });
});
