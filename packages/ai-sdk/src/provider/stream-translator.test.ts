/**
 * StreamTranslator: ChatChunks → AI SDK stream parts, chunk by chunk.
 */
import type { ChatChunk, ChunkChoice } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { StreamTranslator } from './stream-translator.js';

const chunk = (delta: ChunkChoice['delta'], finish: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk => ({
  id: 'c1', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra,
});

describe('StreamTranslator', () => {
  it('reasoning, then its signed thinking block, then text: blocks open and close in order', () => {
    const t = new StreamTranslator();
    const block = { type: 'thinking', thinking: 'Hmm.', signature: 's' };
    const parts = [
      ...t.push(chunk({ role: 'assistant', reasoning_content: 'Hmm.' })),
      ...t.push(chunk({ thinking_blocks: [block] })),
      ...t.push(chunk({ content: 'Answer' }, 'stop')),
      ...t.end(undefined, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
    ];
    expect(parts).toEqual([
      { type: 'response-metadata', id: 'c1', modelId: 'm', timestamp: new Date(1_750_000_000_000) },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Hmm.' },
      { type: 'reasoning-end', id: 'reasoning-0', providerMetadata: { lifeline: { thinkingBlock: block } } },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Answer' },
      { type: 'text-end', id: 'text-1' },
      {
        type: 'finish',
        usage: { inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined }, raw: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
        finishReason: { unified: 'stop', raw: 'stop' },
        providerMetadata: { lifeline: { provider: null, model: null, attempts: 0, failovers: 0, costUsd: null, cache: null, degraded: false, latencyMs: null, requestId: null } },
      },
    ]);
  });

  it('a redacted thinking block with no streamed text becomes a reasoning part of its own', () => {
    const t = new StreamTranslator();
    const block = { type: 'redacted_thinking', data: 'opaque' };
    expect(t.push(chunk({ thinking_blocks: [block] })).slice(1)).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-end', id: 'reasoning-0', providerMetadata: { lifeline: { thinkingBlock: block } } },
    ]);
  });

  it('tool calls stream as tool-input parts by index and complete at the end (empty arguments count as {})', () => {
    const t = new StreamTranslator();
    const parts = [
      ...t.push(chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } }] })),
      ...t.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }, { index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }] }, 'tool_calls')),
      ...t.end(undefined),
    ].filter((p) => p.type.startsWith('tool'));
    expect(parts).toEqual([
      { type: 'tool-input-start', id: 'a', toolName: 'f' },
      { type: 'tool-input-delta', id: 'a', delta: '{"x":' },
      { type: 'tool-input-delta', id: 'a', delta: '1}' },
      { type: 'tool-input-start', id: 'b', toolName: 'g' },
      { type: 'tool-input-end', id: 'a' },
      { type: 'tool-call', toolCallId: 'a', toolName: 'f', input: '{"x":1}' },
      { type: 'tool-input-end', id: 'b' },
      { type: 'tool-call', toolCallId: 'b', toolName: 'g', input: '{}' },
    ]);
  });

  it("failover's restart marker closes the open text block; the new answer opens another", () => {
    const t = new StreamTranslator();
    t.push(chunk({ content: 'Partial' }));
    const marker = t.push({ id: '', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], lifeline: { event: 'restart', from: 'a', target: 'b', reason: 'connection' } });
    expect(marker).toEqual([{ type: 'text-end', id: 'text-0' }]);
    expect(t.push(chunk({ content: 'Fresh' }))).toEqual([{ type: 'text-start', id: 'text-1' }, { type: 'text-delta', id: 'text-1', delta: 'Fresh' }]);
  });

  it('raw chunks are passed when asked for', () => {
    const t = new StreamTranslator(true);
    const c = chunk({ content: 'x' });
    expect(t.push(c)[0]).toEqual({ type: 'raw', rawValue: c });
  });

  it('a failure closes open blocks, then sends the error and a finish with reason error', () => {
    const t = new StreamTranslator();
    t.push(chunk({ content: 'Partial' }));
    const error = new Error('cut');
    expect(t.fail(error, undefined, 'stream_interrupted').map((p) => p.type === 'finish' ? p.finishReason : p)).toEqual([
      { type: 'text-end', id: 'text-0' },
      { type: 'error', error },
      { unified: 'error', raw: 'stream_interrupted' },
    ]);
  });
});
