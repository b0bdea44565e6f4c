import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MODEL, startVendors, VENDORS, WEATHER_PARAMETERS, type Vendor, type Vendors } from '../../../../test/vendors.js';

let v: Vendors;
let client: OpenAI;

beforeAll(async () => {
  v = await startVendors();
  client = new OpenAI({ baseURL: `${v.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 10_000 });
});
afterAll(() => v.close());
beforeEach(() => {
  for (const mock of Object.values(v.mocks)) mock.reset();
});

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather in a city', parameters: WEATHER_PARAMETERS, strict: true };
const toolThenText = [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }, { reply: { text: 'It is sunny in Paris.' } }];

/** The conversation of an upstream request, reduced to `role: text` lines, in each vendor's own wire format. */
function turns(vendor: Vendor, body: any): string[] {
  if (vendor === 'openai') {
    return body.messages.map((m: any) => `${m.role}: ${m.content ?? ''}${m.tool_calls ? ` [call ${m.tool_calls[0].function.name} ${m.tool_calls[0].function.arguments}]` : ''}`);
  }
  if (vendor === 'anthropic') {
    const system = body.system ? [`system: ${typeof body.system === 'string' ? body.system : body.system.map((b: any) => b.text).join('')}`] : [];
    return [
      ...system,
      ...body.messages.map((m: any) => {
        const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
        return `${m.role}: ${blocks.map((b: any) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? `[call ${b.name} ${JSON.stringify(b.input)}]` : `[result ${typeof b.content === 'string' ? b.content : b.content.map((c: any) => c.text).join('')}]`)).join('')}`;
      }),
    ];
  }
  const system = body.systemInstruction ? [`system: ${body.systemInstruction.parts.map((p: any) => p.text).join('')}`] : [];
  return [
    ...system,
    ...body.contents.map((c: any) => `${c.role}: ${c.parts.map((p: any) => (p.text ?? (p.functionCall ? `[call ${p.functionCall.name} ${JSON.stringify(p.functionCall.args)}]` : `[result ${JSON.stringify(p.functionResponse.response)}]`))).join('')}`),
  ];
}

describe.each(VENDORS)('openai responses.create served by %s', (vendor) => {
  const model = MODEL[vendor];

  it('JSON: a function-tool round trip through previous_response_id', async () => {
    v.mocks[vendor].setScript(toolThenText);
    const first = await client.responses.create({ model, instructions: 'Be brief.', input: 'Weather in Paris?', tools: [weatherTool] });
    expect(first.object).toBe('response');
    expect(first.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(first.status).toBe('completed');
    expect(first.output_text).toBe('');
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', status: 'completed', name: 'get_weather' });
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(first.usage!.input_tokens).toBeGreaterThan(0);
    expect(first.usage!.total_tokens).toBe(first.usage!.input_tokens + first.usage!.output_tokens);

    const second = await client.responses.create({ model, previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 C' }], tools: [weatherTool] });
    expect(second.output_text).toBe('It is sunny in Paris.');
    expect(second.previous_response_id).toBe(first.id);
    const [req1, req2] = v.mocks[vendor].requests;
    const asked = 'user: Weather in Paris?';
    expect(turns(vendor, req1!.body)).toEqual(['system: Be brief.', asked]);
    // The instructions of the previous response are not carried over (as OpenAI does); the rest is.
    const resultTurn = vendor === 'gemini' ? 'user: [result {"output":"Sunny, 21 C"}]' : vendor === 'anthropic' ? 'user: [result Sunny, 21 C]' : 'tool: Sunny, 21 C';
    const callTurn = vendor === 'openai' ? 'assistant:  [call get_weather {"city":"Paris"}]' : `${vendor === 'gemini' ? 'model' : 'assistant'}: [call get_weather {"city":"Paris"}]`;
    expect(turns(vendor, req2!.body)).toEqual([asked, callTurn, resultTurn]);
  });

  it('stream: the semantic events, and a round trip sending the whole history back', async () => {
    v.mocks[vendor].setScript(toolThenText);
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }];
    const stream = await client.responses.create({ model, input, tools: [weatherTool], stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...events.filter((e) => e.type === 'response.function_call_arguments.delta').map(() => 'response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    const call = done.response.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(done.response.usage!.output_tokens).toBeGreaterThan(0);

    // The SDK's own accumulator (strict about item identities and order) on the second turn.
    const follow = client.responses.stream({ model, input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 C' }], tools: [weatherTool] });
    let text = '';
    follow.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await follow.finalResponse();
    expect(text).toBe('It is sunny in Paris.');
    expect(final.output_text).toBe('It is sunny in Paris.');
    expect(final.status).toBe('completed');
    expect(final.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is sunny in Paris.', annotations: [] }] });
    expect(turns(vendor, v.mocks[vendor].requests[1]!.body)).toHaveLength(3);
  });

  it('text.format json_schema: the schema reaches the upstream and the SDK parses the answer', async () => {
    v.mocks[vendor].setScript([{ reply: { text: '{"city":"Paris","celsius":21}' } }]);
    const Weather = z.object({ city: z.string(), celsius: z.number() });
    const parsed = await client.responses.parse({ model, input: 'Weather in Paris as JSON', text: { format: zodTextFormat(Weather, 'weather') } });
    expect(parsed.output_parsed).toEqual({ city: 'Paris', celsius: 21 });
    const body = v.mocks[vendor].requests[0]!.body as any;
    const schema = vendor === 'openai' ? body.response_format.json_schema.schema : vendor === 'anthropic' ? body.output_config.format.schema : body.generationConfig.responseJsonSchema;
    expect(schema).toMatchObject({ type: 'object', properties: { city: { type: 'string' }, celsius: { type: 'number' } }, required: ['city', 'celsius'] });
  });
});
