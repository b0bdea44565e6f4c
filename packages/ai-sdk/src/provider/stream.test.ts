/**
 * streamText through createLifeline, over real HTTP to the mock provider: incremental deltas,
 * tool-call streaming, usage and metadata on finish, a failure after content, an abort.
 */
import { createClient, type Context, type Middleware } from '@lifeline/core';
import { streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeAfterEach, mock, relay } from '../../test/mocks.js';
import { createLifeline } from './provider.js';

closeAfterEach();

describe('createLifeline — streamText', () => {
  it('streams text as incremental deltas, one per upstream chunk, then usage and providerMetadata.lifeline', async () => {
    const server = await mock({ text: 'One two three four', script: [{ reply: { usage: { promptTokens: 12, completionTokens: 4 } } }] });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Count' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas).toEqual(['One', ' two', ' three', ' four']);
    expect(await result.text).toBe('One two three four');
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 12, outputTokens: 4 });
    expect((await result.providerMetadata)?.lifeline).toMatchObject({ provider: 'primary', model: 'gpt-4.1', attempts: 1, failovers: 0 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.stream).toBe(true);
  });

  it('streams a tool call as tool-input deltas and completes it', async () => {
    const server = await mock({ script: [{ reply: { toolCalls: [{ name: 'weather', arguments: { city: 'Rome' }, id: 'call_9' }] } }] });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Weather?', tools: { weather: tool({ inputSchema: z.object({ city: z.string() }) }) } });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);

    expect(types).toContain('tool-input-start');
    expect(types).toContain('tool-input-delta');
    expect(types.indexOf('tool-input-end')).toBeLessThan(types.indexOf('tool-call'));
    expect((await result.toolCalls).map((c) => [c.toolCallId, c.toolName, c.input])).toEqual([['call_9', 'weather', { city: 'Rome' }]]);
    expect(await result.finishReason).toBe('tool-calls');
  });

  it('a stream cut after content (no failover) ends with an error part carrying a non-retryable APICallError', async () => {
    const server = await mock({ text: 'One two three four', script: [{ stream: { cutAfter: 2 } }] });
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server) }));
    const errors: unknown[] = [];
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Count', onError: ({ error }) => void errors.push(error) });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas).toEqual(['One', ' two']);
    expect(errors).toHaveLength(1);
    const error = errors[0] as { name: string; isRetryable: boolean; message: string; cause: unknown; data: { code: string; lifeline: { attempts: number } } };
    expect(error.name).toBe('AI_APICallError');
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/^openai primary: stream cut — connection failed/);
    expect(error.data.code).toBe('stream_interrupted');
    expect(error.data.lifeline.attempts).toBe(1);
    expect(await result.finishReason).toBe('error');
    expect(server.requests).toHaveLength(1);
  });

  it('an abort mid-stream stops the upstream request and ends the AI SDK stream with an abort', async () => {
    const server = await mock({ text: 'One two three four five six', script: [{ stream: { chunkDelayMs: 30 } }] });
    let seen: Context | undefined;
    const spy: Middleware = async function spy(ctx, next) {
      seen = ctx;
      await next();
    };
    const lifeline = createLifeline(createClient({ adapter: relay('primary', server), use: [spy] }));
    const controller = new AbortController();
    let aborted = false;
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Count', abortSignal: controller.signal, onAbort: () => void (aborted = true) });
    const parts: string[] = [];
    for await (const part of result.fullStream) {
      parts.push(part.type === 'text-delta' ? part.text : part.type);
      if (part.type === 'text-delta' && part.text === ' two') controller.abort();
    }

    expect(aborted).toBe(true);
    expect(parts.at(-1)).toBe('abort');
    expect(parts.filter((p) => p === ' three')).toEqual([]);
    expect(server.requests).toHaveLength(1);
    // The pipeline was aborted by the caller's signal: the upstream request was stopped.
    expect(seen?.aborted).toBe(true);
    expect((seen?.signal.reason as Error).name).toBe('AbortError');
  });
});
