/** rateLimit() for embedding calls, over a mock provider on loopback and a fake clock. */
import { openai } from '@lifeline/adapters';
import { createClient, type EmbeddingRequest } from '@lifeline/core';
import { fakeClock, startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimateRequestTokens } from './estimate.js';
import { rateLimit } from './rate-limit.js';

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

// 4000 characters = 1000 input tokens, for the estimate and for the mock's reported usage.
const batch = (n: number): EmbeddingRequest => ({ model: 'text-embedding-3-small', input: Array.from({ length: n }, (_, i) => String(i % 10).repeat(4000)) });

describe('rateLimit() counts embedding input tokens toward tpm', () => {
  it('estimates input tokens only (no output allowance)', () => {
    expect(estimateRequestTokens(batch(2) as never, 1024)).toBe(2000);
    expect(estimateRequestTokens({ model: 'm', input: [[1, 2, 3]] } as never, 1024)).toBe(3);
  });

  it('admits batches while their tokens fit the minute, then spaces them by the refill', async () => {
    const clock = fakeClock(0);
    const mock = await startMockProvider({ clock, embeddingDimensions: 2 });
    const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
    closers.push(() => adapter.close(), () => mock.close());
    const client = createClient({ adapter, clock, use: [rateLimit({ tpm: 3000, maxWaitMs: 60_000 })] });
    const calls = [client.embed(batch(2)), client.embed(batch(1)), client.embed(batch(1))];
    // Wait (polling real time) for the I/O of the two admitted calls, never to check a timing.
    await vi.waitFor(() => expect(mock.requests).toHaveLength(2), { timeout: 5_000, interval: 2 });
    // 1000 more tokens at 3000 per minute: 20 s.
    expect(clock.delays).toEqual([20_000]);
    await clock.advanceAsync(20_000);
    const results = await Promise.all(calls);
    expect(mock.requests.map((r) => r.time)).toEqual([0, 0, 20_000]);
    expect(results[2]!.meta.queuedMs).toBe(20_000);
  });
});
