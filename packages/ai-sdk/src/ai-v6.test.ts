/**
 * The previous AI SDK major, `ai` 6 (language model specification v3), in both directions:
 * createLifeline(client, { specificationVersion: 'v3' }) under ai 6's generateText/streamText,
 * and aiSdkAdapter around an ai 6 era provider (@ai-sdk/openai-compatible 2).
 */
import { createClient, StreamInterruptedError, type ChatRequest } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { retry } from '@lifeline/retry';
import { fakeClock } from '@lifeline/testing';
import { createOpenAICompatible } from 'ai-sdk-openai-compatible-v2';
import { generateText as generateText7 } from 'ai';
import { APICallError, generateObject, generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai-v6';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { body, closeAfterEach, mock, relay } from '../test/mocks.js';
import { aiSdkAdapter } from './adapter/adapter.js';
import { createLifeline, type LifelineProviderV3 } from './provider/provider.js';

closeAfterEach();

/**
 * In this workspace the types of `@ai-sdk/provider` 4 are hoisted; an application on ai 6 resolves
 * `@ai-sdk/provider` 3 (the peer range allows both), whose `LanguageModelV3` ai 6 expects.
 */
function v6(provider: LifelineProviderV3) {
  return (id: string) => (provider as (id: string) => unknown)(id) as Exclude<LanguageModel, string>;
}

const T0 = 1_750_000_000_000;

describe('ai 6 → createLifeline (specification v3)', () => {
  it('generateText, with providerMetadata.lifeline', async () => {
    const server = await mock({ text: 'Hello, ai 6.' });
    const lifeline = v6(createLifeline(createClient({ adapter: relay('primary', server) }), { specificationVersion: 'v3' }));
    const { text, providerMetadata, usage } = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi' });
    expect(text).toBe('Hello, ai 6.');
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(providerMetadata?.lifeline).toMatchObject({ provider: 'primary', attempts: 1 });
  });

  it('streamText as incremental deltas', async () => {
    const server = await mock({ text: 'One two three' });
    const lifeline = v6(createLifeline(createClient({ adapter: relay('primary', server) }), { specificationVersion: 'v3' }));
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Count' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(['One', ' two', ' three']);
  });

  it('a multi-step tool loop', async () => {
    const server = await mock({ script: [{ reply: { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 }, id: 'call_1' }] } }, { reply: { text: 'It is 5.' } }] });
    const lifeline = v6(createLifeline(createClient({ adapter: relay('primary', server) }), { specificationVersion: 'v3' }));
    const result = await generateText({
      model: lifeline('gpt-4.1'),
      prompt: '2 + 3?',
      tools: { add: tool({ inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b }) },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe('It is 5.');
    expect((body(server, 1).messages as unknown[]).at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '5' });
  });

  it('generateObject with a zod schema', async () => {
    const server = await mock({ text: '{"city":"Paris"}' });
    const lifeline = v6(createLifeline(createClient({ adapter: relay('primary', server) }), { specificationVersion: 'v3' }));
    const { object } = await generateObject({ model: lifeline('gpt-4.1'), schema: z.object({ city: z.string() }), prompt: 'Where?' });
    expect(object).toEqual({ city: 'Paris' });
  });

  it("failover before content: ai 6's maxRetries adds no request", async () => {
    const primary = await mock({ script: { status: 503 } });
    const backup = await mock({ script: { status: 503 } });
    const lifeline = v6(createLifeline(createClient({ use: [failover([relay('primary', primary), relay('backup', backup)])] }), { specificationVersion: 'v3' }));
    const error = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi', maxRetries: 2 }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  it('ai 7 also takes the v3 model', async () => {
    const server = await mock({ text: 'Either way.' });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }), { specificationVersion: 'v3' });
    expect((await generateText7({ model: lifeline('gpt-4.1'), prompt: 'Hi' })).text).toBe('Either way.');
  });
});

describe('aiSdkAdapter around an ai 6 provider (specification v3)', () => {
  const ask: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }] };
  const v2Provider = (url: string) => createOpenAICompatible({ name: 'legacy', baseURL: url, apiKey: 'test-key', includeUsage: true });

  it('chat and stream', async () => {
    const server = await mock({ text: 'Legacy provider.' });
    const adapter = aiSdkAdapter(v2Provider(server.url)('gpt-4.1'));
    const client = createClient({ adapter });
    expect((await client.chat(ask)).response.choices[0]?.message.content).toBe('Legacy provider.');
    expect(body(server).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }]);
    const stream = client.stream(ask);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Legacy provider.');
    expect((await stream.result).meta).toMatchObject({ provider: 'legacy', attempts: 1 });
  });

  it('a 429 with retry-after: 2 → retry() waits exactly 2000 ms', async () => {
    const clock = fakeClock(T0);
    const server = await mock({ clock, script: [{ status: 429, retryAfter: 2 }, 'ok'] });
    const client = createClient({ clock, adapter: aiSdkAdapter(v2Provider(server.url)('gpt-4.1')), use: [retry({ maxAttempts: 2, random: () => 0.5 })] });
    await clock.run(client.chat(ask));
    expect(server.requests.map((r) => r.time - T0)).toEqual([0, 2_000]);
  });

  it('a cut stream raises StreamInterruptedError', async () => {
    const server = await mock({ text: 'One two three', script: [{ stream: { cutAfter: 1 } }] });
    const client = createClient({ adapter: aiSdkAdapter(v2Provider(server.url)('gpt-4.1')) });
    const error = await (async () => {
      for await (const _ of client.stream(ask)) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toMatch(/^legacy \(ai-sdk legacy\.chat\): stream cut — connection failed — /);
  });
});
