/** Real-socket helpers: mock providers on loopback with OpenAI-compatible adapters in front, closed after each test. */
import type { Adapter } from '@lifeline/core';
import { type AnthropicOptions, type OpenAIOptions, anthropic, openai } from '@lifeline/adapters';
import { type MockProvider, type MockProviderOptions, startMockProvider } from '@lifeline/testing';
import { afterEach, vi } from 'vitest';

const open: Array<{ close(): Promise<void> }> = [];

/** Registers the cleanup hook in the calling test file. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });
}

/** Closes `x` after the test. */
export function track(x: { close?(): Promise<void> }): void {
  open.push({ close: async () => x.close?.() });
}

/** A mock provider and an `openai()` adapter named `name` pointing at it. */
export async function provider(name: string, options: MockProviderOptions = {}, adapter: Partial<OpenAIOptions> = {}): Promise<{ mock: MockProvider; adapter: Adapter }> {
  const mock = await startMockProvider(options);
  const a = openai({ baseURL: mock.url, apiKey: 'test-key', name, ...adapter });
  open.push(mock);
  track(a);
  return { mock, adapter: a };
}

/** An Anthropic-flavour mock provider and an `anthropic()` adapter (prefill-capable) named `name`. */
export async function anthropicProvider(name: string, options: MockProviderOptions = {}, adapter: Partial<AnthropicOptions> = {}): Promise<{ mock: MockProvider; adapter: Adapter }> {
  const mock = await startMockProvider({ ...options, flavor: 'anthropic' });
  const a = anthropic({ baseURL: mock.url, apiKey: 'test-key', name, defaultMaxTokens: 1_024, ...adapter });
  open.push(mock);
  track(a);
  return { mock, adapter: a };
}

/** Waits (polling real time) until `cond()` holds: for I/O to happen, never to check a timing. */
export const until = (cond: () => boolean) =>
  vi.waitFor(() => {
    if (!cond()) throw new Error('not yet');
  }, { timeout: 5_000, interval: 2 });
