/** Embedding calls priced, budgeted and recorded, over a mock provider on loopback. */
import { gemini, openai } from '@lifeline/adapters';
import { BudgetExceededError, createClient, type Adapter, type EmbeddingRequest } from '@lifeline/core';
import { fakeClock, startMockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { budget } from './budget.js';
import { MemoryBudgetStore } from './budget-store.js';
import { defaultCatalog } from './default-catalog.js';
import { maxEmbeddingCost } from './embedding-cost.js';
import { estimatePromptTokens } from './estimate.js';
import { Ledger } from './ledger.js';
import { meter, type CostEvent } from './meter.js';

const MODEL = 'text-embedding-3-small';
const NOON = Date.UTC(2026, 10, 24, 12, 0, 0);
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function endpoint(options: MockProviderOptions = {}, kind: 'openai' | 'gemini' = 'openai'): Promise<Adapter> {
  const mock = await startMockProvider({ embeddingDimensions: 4, ...options, ...(kind === 'gemini' && { flavor: 'gemini' }) });
  const adapter = kind === 'gemini' ? gemini({ baseURL: mock.url, apiKey: 'test-key' }) : openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
  closers.push(() => adapter.close!(), () => mock.close());
  return adapter;
}

// 4000 characters = 1000 tokens (mock and estimate both count ceil(chars / 4)).
const doc = (c: string) => c.repeat(4000);
const req = (input: EmbeddingRequest['input'], model = MODEL): EmbeddingRequest => ({ model, input, encoding_format: 'float' });

describe('embedding prices', () => {
  it('come from the catalog (genai-prices lists input prices only)', () => {
    expect(defaultCatalog.get('text-embedding-3-small')).toMatchObject({ inputPerMTok: 0.02, outputPerMTok: 0, note: 'embedding model: input tokens only' });
    expect(defaultCatalog.get('text-embedding-3-large')).toMatchObject({ inputPerMTok: 0.13, outputPerMTok: 0 });
    expect(defaultCatalog.get('gemini-embedding-001')).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0 });
    expect(defaultCatalog.get('text-embedding-3-small')!.source).toMatch(/^@pydantic\/genai-prices /);
  });

  it('bound an embedding call by its input tokens only', () => {
    const entry = defaultCatalog.get(MODEL)!;
    expect(maxEmbeddingCost(req([doc('a'), doc('b')]), entry)).toBe(0.00004);
    expect(maxEmbeddingCost(req([[1, 2, 3]]), entry)).toBe(0.00000006);
    expect(estimatePromptTokens(req(doc('a')) as never)).toBe(1000);
  });
});

describe('meter() and the ledger count embedding calls', () => {
  it('sets meta.costUsd from the reported usage and records the call', async () => {
    const ledger = new Ledger();
    const events: CostEvent[] = [];
    const client = createClient({ adapter: await endpoint(), use: [meter({ ledger, onCost: (e) => events.push(e) })] });
    const { meta } = await client.embed(req([doc('a'), doc('b'), doc('c')]), { metadata: { tenant: 'acme' } });
    expect(meta.costUsd).toBe(0.00006);
    expect(meta.usage).toEqual({ prompt_tokens: 3000, completion_tokens: 0, total_tokens: 3000 });
    expect(meta.costByAttempt).toEqual([expect.objectContaining({ target: 'primary', model: MODEL, costUsd: 0.00006 })]);
    expect(events[0]).toMatchObject({ provider: 'primary', model: MODEL, tenant: 'acme', costUsd: 0.00006, estimated: false, warnings: [] });
    expect(ledger.totals({ by: 'model' })).toEqual([expect.objectContaining({ key: MODEL, costUsd: 0.00006, requests: 1, promptTokens: 3000 })]);
  });

  it('prices an estimated usage (Gemini reports none) and says it is estimated', async () => {
    const events: CostEvent[] = [];
    const client = createClient({ adapter: await endpoint({}, 'gemini'), use: [meter({ onCost: (e) => events.push(e) })] });
    const { meta } = await client.embed(req([doc('a'), doc('b')], 'gemini-embedding-001'));
    expect(meta.costUsd).toBe(0.0003);
    expect(events[0]).toMatchObject({ estimated: true, costUsd: 0.0003, usage: { prompt_tokens: 2000, estimated: true } });
  });

  it('bills failed attempts nothing and the answering attempt its usage', async () => {
    const client = createClient({ adapter: await endpoint({ script: [{ status: 500 }] }), use: [meter()] });
    const err = await client.embed(req(doc('a'))).catch((e: unknown) => e);
    expect((err as { meta: { costUsd?: number } }).meta.costUsd).toBe(0);
  });
});

describe('budget() counts embedding calls', () => {
  it('reserves the input bound, settles the real cost, and refuses what does not fit', async () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(NOON);
    const client = createClient({ adapter: await endpoint(), clock, use: [budget({ limitUsd: 0.00005, window: 'day', store }), meter()] });
    await client.embed(req([doc('a'), doc('b')]));
    expect(await store.usage('global', 'day:2026-11-24')).toEqual({ spentUsd: 0.00004, reservedUsd: 0 });
    const err = await client.embed(req([doc('c')])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as Error).message).toBe('budget: scope "global" has $0.00001 of $0.00005 left in window day:2026-11-24; this call may cost up to $0.00002');
    const small = await client.embed(req('tiny'));
    expect(small.meta.costUsd).toBe(0.00000002);
  });

  it("rejects an unpriced embedding model unless told to allow it", async () => {
    const client = createClient({ adapter: await endpoint(), use: [budget({ limitUsd: 1, window: 'day' })] });
    const err = await client.embed(req('x', 'my-private-embedder')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as Error).message).toBe(
      'budget: no price for model "my-private-embedder" in catalog "genai-prices", so the cost of this call cannot be bounded (add it to a catalog, or set unpriced: \'allow\')',
    );
  });
});
