/**
 * Test helpers: mock providers over loopback HTTP, closed after each test, and the adapters
 * pointed at them (Lifeline's own, and the AI SDK's providers).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { anthropic, openai } from '@lifeline/adapters';
import type { Adapter } from '@lifeline/core';
import { startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterEach } from 'vitest';

const open: Array<{ close(): Promise<void> }> = [];

/** Closes every mock and adapter opened by the current test, after it. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });
}

/** A mock provider, closed after the test. */
export async function mock(options: MockProviderOptions = {}): Promise<MockProvider> {
  const server = await startMockProvider({ apiKey: 'test-key', ...options });
  open.push(server);
  return server;
}

/** Lifeline's OpenAI-compatible adapter for a mock. */
export function relay(name: string, server: MockProvider): Adapter {
  const adapter = openai({ name, baseURL: server.url, apiKey: 'test-key' });
  open.push({ close: async () => adapter.close?.() });
  return adapter;
}

/** Lifeline's Anthropic adapter for a mock. */
export function claude(name: string, server: MockProvider): Adapter {
  const adapter = anthropic({ name, baseURL: server.url, apiKey: 'test-key', defaultMaxTokens: 256 });
  open.push({ close: async () => adapter.close?.() });
  return adapter;
}

/** The AI SDK's OpenAI-compatible provider pointed at a mock (`openai` flavour); `signals` collects the signal of each request it sends. */
export function aiSdkCompatible(server: MockProvider, name = 'relay', signals?: Array<AbortSignal | null | undefined>) {
  const fetchRecording: typeof fetch = (input, init) => {
    signals?.push(init?.signal);
    return fetch(input, init);
  };
  return createOpenAICompatible({ name, baseURL: server.url, apiKey: 'test-key', includeUsage: true, supportsStructuredOutputs: true, ...(signals && { fetch: fetchRecording }) });
}

/** The AI SDK's Anthropic provider pointed at a mock (`anthropic` flavour). */
export function aiSdkAnthropic(server: MockProvider) {
  return createAnthropic({ baseURL: `${server.url}/v1`, apiKey: 'test-key' });
}

/** The JSON body of the n-th request a mock received. */
export function body(server: MockProvider, n = 0): Record<string, unknown> {
  return server.requests[n]?.body as Record<string, unknown>;
}

/** Waits (bounded: about 2 s) until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not met within 2 s');
}
