/**
 * generateText through createLifeline, over real HTTP to the mock provider.
 */
import { createClient } from '@lifeline/core';
import { generateText, isStepCount, tool } from 'ai';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { body, closeAfterEach, mock, relay } from '../../test/mocks.js';
import { createLifeline } from './provider.js';

closeAfterEach();

describe('createLifeline — generateText', () => {
  it('answers through the client and reports usage, finish reason and providerMetadata.lifeline', async () => {
    const server = await mock({ text: 'Hello from the relay.', script: [{ reply: { usage: { promptTokens: 20, completionTokens: 6, cachedTokens: 8, reasoningTokens: 2 } } }] });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const result = await generateText({ model: lifeline('gpt-4.1'), system: 'Be brief.', prompt: 'Say hello', temperature: 0.2, maxOutputTokens: 50, topP: 0.9, stopSequences: ['END'], seed: 7 });

    expect(result.text).toBe('Hello from the relay.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(20);
    expect(result.usage.outputTokens).toBe(6);
    expect(result.usage.inputTokenDetails).toMatchObject({ cacheReadTokens: 8, noCacheTokens: 12 });
    expect(result.usage.outputTokenDetails).toMatchObject({ reasoningTokens: 2, textTokens: 4 });
    expect(result.providerMetadata?.lifeline).toMatchObject({ provider: 'primary', model: 'gpt-4.1', attempts: 1, failovers: 0, cache: null, degraded: false });
    expect(server.requests).toHaveLength(1);
    expect(body(server)).toMatchObject({
      model: 'gpt-4.1',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      max_tokens: 50,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
    });
  });
});

describe('createLifeline — tools', () => {
  it('runs a multi-step tool loop: the tool call goes out as tool_calls, the result comes back as a tool message', async () => {
    const server = await mock({
      script: [
        { reply: { toolCalls: [{ name: 'weather', arguments: { city: 'Paris' }, id: 'call_1' }] } },
        { reply: { text: 'It is sunny in Paris.' } },
      ],
    });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const calls: unknown[] = [];
    const result = await generateText({
      model: lifeline('gpt-4.1'),
      prompt: 'Weather in Paris?',
      tools: {
        weather: tool({
          description: 'Current weather',
          inputSchema: z.object({ city: z.string() }),
          execute: async (input) => {
            calls.push(input);
            return { sky: 'sunny' };
          },
        }),
      },
      toolChoice: 'auto',
      stopWhen: isStepCount(3),
    });

    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(result.text).toBe('It is sunny in Paris.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(server.requests).toHaveLength(2);
    const first = body(server, 0);
    expect(first.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather',
          parameters: expect.objectContaining({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
        },
      },
    ]);
    expect(first.tool_choice).toBe('auto');
    expect(body(server, 1).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' },
    ]);
  });

  it('sends a forced tool choice as { type: function, function: { name } }', async () => {
    const server = await mock({ script: [{ reply: { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }] } }] });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const result = await generateText({
      model: lifeline('gpt-4.1'),
      prompt: 'Weather?',
      tools: { weather: tool({ inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: { type: 'tool', toolName: 'weather' },
    });
    expect(body(server).tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['weather', { city: 'Oslo' }]]);
  });
});
