/**
 * The official `@anthropic-ai/sdk` against the gateway's `/v1/messages`, served by each vendor:
 * a tool round trip with a system prompt (create and stream), usage with cache tokens, and
 * count_tokens.
 */
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import type { Flavor, RecordedRequest, Step } from '@lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_KEY, MODEL_OF, startVendors, type Vendors } from '../../../../test/messages-vendors.js';

const TOOLS: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Current weather of a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];
const SYSTEM = 'You are a weather bot.';
const QUESTION: Anthropic.MessageParam = { role: 'user', content: 'How warm is it in Paris?' };
const RESULT = '{"temp_c":18}';

/** First turn: a tool call; once the tool result is in the conversation: the answer. */
function script(request: RecordedRequest): Step {
  if (JSON.stringify(request.body).includes('temp_c')) {
    return { reply: { text: 'It is 18 degrees in Paris.', usage: { promptTokens: 120, completionTokens: 7, cachedTokens: 60, cacheWriteTokens: 20 } } };
  }
  return { reply: { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } };
}

/** The usage each vendor's mock reports for the answer (120 prompt tokens, 60 read from cache, Anthropic also 20 written). */
const USAGE: Record<Flavor, Partial<Anthropic.Usage>> = {
  openai: { input_tokens: 60, cache_read_input_tokens: 60, cache_creation_input_tokens: 0, output_tokens: 7 },
  anthropic: { input_tokens: 40, cache_read_input_tokens: 60, cache_creation_input_tokens: 20, output_tokens: 7 },
  gemini: { input_tokens: 60, cache_read_input_tokens: 60, cache_creation_input_tokens: 0, output_tokens: 7 },
};

let v: Vendors;
let sdk: Anthropic;
beforeAll(async () => {
  v = await startVendors({ mock: () => ({ script }) });
  sdk = new Anthropic({ baseURL: v.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
});
afterAll(() => v.close());

function toolResult(call: Anthropic.ContentBlock | undefined): Anthropic.MessageParam {
  if (call?.type !== 'tool_use') throw new Error(`expected a tool_use block, got ${JSON.stringify(call)}`);
  return { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: RESULT }] };
}

describe.each(['openai', 'anthropic', 'gemini'] as const)('/v1/messages served by %s', (flavor) => {
  const model = `via-${flavor}`;
  const base = { model, max_tokens: 256, system: SYSTEM, tools: TOOLS };

  it('messages.create: a tool call, then the answer to its result', async () => {
    const { data: first, response } = await sdk.messages.create({ ...base, messages: [QUESTION] }).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe(`${flavor}:${MODEL_OF[flavor]}`);
    expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
    expect(first.type).toBe('message');
    expect(first.model).toBe(MODEL_OF[flavor]);
    expect(first.id).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toEqual({ type: 'text', text: 'Let me check.', citations: null });
    expect(first.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect((first.content[1] as Anthropic.ToolUseBlock).id).toMatch(/^[A-Za-z0-9_-]+$/);

    const answer = await sdk.messages.create({ ...base, messages: [QUESTION, { role: 'assistant', content: first.content }, toolResult(first.content[1])] });
    expect(answer.content).toEqual([{ type: 'text', text: 'It is 18 degrees in Paris.', citations: null }]);
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.usage).toMatchObject(USAGE[flavor]);
    expect((answer as unknown as { lifeline: { provider: string } }).lifeline.provider).toBe(`${flavor}:${MODEL_OF[flavor]}`);
  });

  it('messages.stream: the same round trip, assembled by the SDK from the event stream', async () => {
    const stream = sdk.messages.stream({ ...base, messages: [QUESTION] });
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const first = await stream.finalMessage();
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events.filter((e) => e === 'content_block_start')).toHaveLength(2);
    expect(events.filter((e) => e === 'content_block_stop')).toHaveLength(2);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toMatchObject({ type: 'text', text: 'Let me check.' });
    expect(first.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });

    const texts: string[] = [];
    const second = sdk.messages.stream({ ...base, messages: [QUESTION, { role: 'assistant', content: first.content }, toolResult(first.content[1])] });
    second.on('text', (t) => texts.push(t));
    const answer = await second.finalMessage();
    expect(texts.join('')).toBe('It is 18 degrees in Paris.');
    expect(answer.content).toEqual([expect.objectContaining({ type: 'text', text: 'It is 18 degrees in Paris.' })]);
    expect(answer.stop_reason).toBe('end_turn');
    expect(answer.usage).toMatchObject(USAGE[flavor]);
  });
});

describe('what each upstream receives', () => {
  it('gets the system prompt, the tool call and its result in its own wire format', async () => {
    for (const flavor of ['openai', 'anthropic', 'gemini'] as const) {
      const first = await sdk.messages.create({ model: `via-${flavor}`, max_tokens: 64, system: SYSTEM, tools: TOOLS, messages: [QUESTION] });
      const call = first.content[1] as Anthropic.ToolUseBlock;
      await sdk.messages.create({ model: `via-${flavor}`, max_tokens: 64, system: SYSTEM, tools: TOOLS, messages: [QUESTION, { role: 'assistant', content: first.content }, toolResult(call)] });
      const body = v.mocks[flavor].requests.at(-1)!.body as Record<string, any>;
      if (flavor === 'openai') {
        expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
        expect(body.messages[0]).toEqual({ role: 'system', content: SYSTEM });
        expect(body.messages[2].tool_calls).toEqual([{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
        expect(body.messages[3]).toEqual({ role: 'tool', tool_call_id: call.id, content: RESULT });
        expect(body.max_tokens).toBe(64);
        expect(body.tools[0].function).toEqual({ name: 'get_weather', description: 'Current weather of a city', parameters: TOOLS[0]!.input_schema });
      } else if (flavor === 'anthropic') {
        expect(body.system).toBe(SYSTEM);
        expect(body.messages[1].content).toEqual([{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'Paris' } }]);
        expect(body.messages[2].content).toEqual([{ type: 'tool_result', tool_use_id: call.id, content: RESULT }]);
        expect(body.tools).toEqual([{ name: 'get_weather', description: 'Current weather of a city', input_schema: TOOLS[0]!.input_schema }]);
      } else {
        expect(body.systemInstruction).toEqual({ parts: [{ text: SYSTEM }] });
        expect(body.contents[1].parts).toContainEqual(expect.objectContaining({ functionCall: expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } }) }));
        expect(JSON.stringify(body.contents[2])).toContain('temp_c');
        expect(body.generationConfig.maxOutputTokens).toBe(64);
      }
    }
  });
});

describe('POST /v1/messages/count_tokens', () => {
  it('answers an estimate, flagged as such, without calling an upstream', async () => {
    const before = v.mocks.anthropic.requests.length;
    const { data, response } = await sdk.messages.countTokens({ model: 'via-anthropic', system: SYSTEM, tools: TOOLS, messages: [QUESTION] }).withResponse();
    // 'You are a weather bot.' + 'How warm is it in Paris?' + the tool definition, at 4 characters per token, + 4 per message.
    expect(data.input_tokens).toBeGreaterThan(20);
    expect(data.input_tokens).toBeLessThan(80);
    expect((data as unknown as { estimated: boolean }).estimated).toBe(true);
    expect(response.headers.get('x-lifeline-token-count')).toBe('estimated');
    expect(v.mocks.anthropic.requests.length).toBe(before);
  });

  it('answers 404 not_found_error for a model no route serves', async () => {
    const err = await sdk.messages.countTokens({ model: 'nope', messages: [QUESTION] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as APIError).type).toBe('not_found_error');
  });
});
