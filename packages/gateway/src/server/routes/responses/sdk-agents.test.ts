import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, startVendors, VENDORS, type Vendors } from '../../../../test/vendors.js';

// Traces would be exported to OpenAI: tests talk to loopback only.
setTracingDisabled(true);

const cities: string[] = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    cities.push(city);
    return `Sunny in ${city}, 21 C`;
  },
});
const toolThenText = [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }, { reply: { text: 'It is sunny in Paris.' } }];

describe.each(VENDORS)('@openai/agents Runner.run() with the default model and model provider (Responses API) served by %s', (vendor) => {
  let v: Vendors;
  let runner: Runner;
  beforeAll(async () => {
    // The agent asks for its default model by name; the gateway's route serves it from this vendor.
    v = await startVendors({ routes: [{ model: '*', targets: [{ provider: vendor, model: MODEL[vendor] }] }] });
    const openAIClient = new OpenAI({ baseURL: `${v.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
    // The default provider (Responses API) with the client pointed at this gateway.
    runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient }) });
  });
  afterAll(() => v.close());

  it('runs the tool and answers, then continues with previousResponseId', async () => {
    cities.length = 0;
    v.mocks[vendor].setScript([...toolThenText, { reply: { text: 'Tomorrow too.' } }]);
    const agent = new Agent({ name: 'Weather', instructions: 'Answer briefly.', tools: [getWeather] });
    const result = await runner.run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('It is sunny in Paris.');
    expect(cities).toEqual(['Paris']);
    const [first, second] = v.mocks[vendor].requests;
    expect(first!.model).toBe(MODEL[vendor]);
    expect(JSON.stringify(second!.body)).toContain('Sunny in Paris, 21 C');
    expect(result.lastResponseId).toMatch(/^resp_/);

    const next = await runner.run(agent, 'And tomorrow?', { previousResponseId: result.lastResponseId! });
    expect(next.finalOutput).toBe('Tomorrow too.');
    const third = JSON.stringify(v.mocks[vendor].requests[2]!.body);
    // The stored conversation came back from the gateway: the first question, the tool result, the new question.
    expect(third).toContain('Weather in Paris?');
    expect(third).toContain('Sunny in Paris, 21 C');
    expect(third).toContain('And tomorrow?');
  });

  it('streams a run with a tool', async () => {
    cities.length = 0;
    v.mocks[vendor].setScript(toolThenText);
    const agent = new Agent({ name: 'Weather', instructions: 'Answer briefly.', tools: [getWeather] });
    const result = await runner.run(agent, 'Weather in Paris?', { stream: true });
    let text = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') text += event.data.delta;
    }
    await result.completed;
    expect(result.error).toBeNull();
    expect(result.finalOutput).toBe('It is sunny in Paris.');
    expect(text).toBe('It is sunny in Paris.');
    expect(cities).toEqual(['Paris']);
  });
});
