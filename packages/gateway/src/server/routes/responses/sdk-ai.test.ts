import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, startVendors, VENDORS, type Vendors } from '../../../../test/vendors.js';

let v: Vendors;
let provider: ReturnType<typeof createOpenAI>;
/** The bodies the SDK sent to the gateway. */
const sent: any[] = [];

beforeAll(async () => {
  v = await startVendors();
  const spy: typeof fetch = (url, init) => {
    sent.push(JSON.parse(String(init?.body)));
    return fetch(url, init);
  };
  provider = createOpenAI({ baseURL: `${v.url}/v1`, apiKey: 'unused', fetch: spy });
});
afterAll(() => v.close());
beforeEach(() => {
  for (const mock of Object.values(v.mocks)) mock.reset();
  sent.length = 0;
});

const calls: string[] = [];
const tools = {
  get_weather: tool({
    description: 'Weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return `Sunny in ${city}, 21 C`;
    },
  }),
};
/** Step 1 says something and calls the tool (the SDK sends the text back as an item_reference); step 2 answers. */
const script = [{ reply: { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }, { reply: { text: 'It is sunny in Paris.' } }];

describe.each(VENDORS)('@ai-sdk/openai default openai(model) (Responses API) served by %s', (vendor) => {
  const model = MODEL[vendor];

  it('generateText with a tool: two steps, the tool result and the referenced text reach the upstream', async () => {
    calls.length = 0;
    v.mocks[vendor].setScript(script);
    const result = await generateText({ model: provider(model), prompt: 'Weather in Paris?', tools, stopWhen: stepCountIs(3), maxRetries: 0 });
    expect(result.text).toBe('It is sunny in Paris.');
    expect(result.steps).toHaveLength(2);
    expect(calls).toEqual(['Paris']);
    expect(result.steps[0]!.finishReason).toBe('tool-calls');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^resp_/);
    // The SDK refers to the stored text of step 1 instead of sending it again; the gateway resolves it.
    expect(sent[1].input.map((item: { type?: string }) => item.type)).toEqual([undefined, 'item_reference', 'function_call', 'function_call_output']);
    const second = JSON.stringify(v.mocks[vendor].requests[1]!.body);
    expect(second).toContain('Let me check.');
    expect(second).toContain('Sunny in Paris, 21 C');
  });

  it('streamText with a tool: text deltas of the second step, one finish, no error', async () => {
    calls.length = 0;
    v.mocks[vendor].setScript(script);
    const errors: unknown[] = [];
    const result = streamText({ model: provider(model), prompt: 'Weather in Paris?', tools, stopWhen: stepCountIs(3), maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let streamed = '';
    for await (const delta of result.textStream) streamed += delta;
    expect(streamed).toBe('Let me check.It is sunny in Paris.');
    expect(await result.text).toBe('It is sunny in Paris.');
    expect(await result.finishReason).toBe('stop');
    expect((await result.steps).map((s) => s.toolCalls.map((c) => c.toolName))).toEqual([['get_weather'], []]);
    expect(calls).toEqual(['Paris']);
    expect(errors).toEqual([]);
    expect((await result.totalUsage).outputTokens).toBeGreaterThan(0);
  });
});
