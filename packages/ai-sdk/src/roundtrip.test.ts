/**
 * Both directions at once: the AI SDK → createLifeline → a Lifeline pipeline → aiSdkAdapter → an
 * AI SDK provider → the mock over HTTP. Per-call headers and provider options make it through.
 */
import { createClient } from '@lifeline/core';
import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { aiSdkAnthropic, body, closeAfterEach, mock } from '../test/mocks.js';
import { aiSdkAdapter } from './adapter/adapter.js';
import { createLifeline } from './provider/provider.js';

closeAfterEach();

describe('createLifeline over aiSdkAdapter', () => {
  it("forwards the AI SDK call's headers and provider options to the wrapped provider", async () => {
    const server = await mock({ flavor: 'anthropic', text: 'Round trip.' });
    const lifeline = createLifeline(createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server), { name: 'claude', headers: { 'x-team': 'core' } }) }));
    const { text, providerMetadata } = await generateText({
      model: lifeline('claude-sonnet-4-5'),
      prompt: 'Hi',
      maxOutputTokens: 2048,
      headers: { 'x-trace': 't-1' },
      providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } },
    });
    expect(text).toBe('Round trip.');
    expect(providerMetadata?.lifeline).toMatchObject({ provider: 'claude', model: 'claude-sonnet-4-5', attempts: 1 });
    expect(server.requests[0]?.headers).toMatchObject({ 'x-trace': 't-1', 'x-team': 'core' });
    expect(body(server)).toMatchObject({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it('streams end to end with usage on the finish part', async () => {
    const server = await mock({ flavor: 'anthropic', text: 'Streamed both ways', script: [{ reply: { usage: { promptTokens: 7, completionTokens: 3 } } }] });
    const lifeline = createLifeline(createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)) }));
    const result = streamText({ model: lifeline('claude-sonnet-4-5'), prompt: 'Hi' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(['Streamed', ' both', ' ways']);
    expect(await result.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
  });
});
