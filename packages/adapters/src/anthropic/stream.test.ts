import { ResponseAssembler, ServerError, StreamInterruptedError, type ChatChunk } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { AnthropicStreamTranslator } from './stream.js';

const NOW = 1_750_000_000_000;

function feed(events: Array<[string, unknown]>, translator = new AnthropicStreamTranslator({ provider: 'anthropic', nowMs: NOW, requestId: 'req_1' })): ChatChunk[] {
  const out: ChatChunk[] = [];
  for (const [event, data] of events) out.push(...translator.push(event, typeof data === 'string' ? data : JSON.stringify(data)));
  return out;
}

const start = (usage: Record<string, unknown> = { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }) =>
  ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-x', stop_reason: null, stop_sequence: null, usage } }] as [string, unknown];

const base = { id: 'msg_1', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'claude-x' };
const choice = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason }] });

describe('AnthropicStreamTranslator', () => {
  it('translates the documented stream: text, ping, tool_use with input deltas, message_delta, message_stop', () => {
    const t = new AnthropicStreamTranslator({ provider: 'anthropic', nowMs: NOW });
    const chunks = feed(
      [
        start(),
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['ping', { type: 'ping' }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get', input: {} } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 1 }],
        ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} } }],
        ['content_block_stop', { type: 'content_block_stop', index: 2 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } }],
        ['message_stop', { type: 'message_stop' }],
      ],
      t,
    );
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hello' }),
      choice({ tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'get', arguments: '' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      choice({ tool_calls: [{ index: 1, id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '' } }] }),
      choice({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      choice({}, 'tool_calls'),
      {
        ...base,
        choices: [],
        usage: {
          prompt_tokens: 25,
          completion_tokens: 15,
          total_tokens: 40,
          prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
          anthropic: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 15 },
        },
      },
    ]);
    expect(t.finished).toBe(true);
    expect(() => t.end()).not.toThrow();
    const asm = new ResponseAssembler();
    chunks.forEach((c) => asm.push(c));
    expect(asm.finish().choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get', arguments: '{"q":1}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
    ]);
  });

  it('overwrites cumulative usage instead of adding it (cache fields included)', () => {
    const chunks = feed([
      start({ input_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: null, output_tokens: 1 }),
      ['message_delta', { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 10 } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 30, input_tokens: 6, cache_read_input_tokens: 50, cache_creation_input_tokens: null } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
    expect(chunks.at(-2)).toEqual(choice({}, 'stop'));
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 156, completion_tokens: 30, total_tokens: 186, prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 100 } });
  });

  it('emits thinking as reasoning_content, then the signed block', () => {
    const chunks = feed([
      start(),
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'think.' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQ' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'enc' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
    ]);
    expect(chunks.slice(1)).toEqual([
      choice({ reasoning_content: 'Let me ' }),
      choice({ reasoning_content: 'think.' }),
      choice({ thinking_blocks: [{ type: 'thinking', thinking: 'Let me think.', signature: 'EqQ' }] }),
      choice({ thinking_blocks: [{ type: 'redacted_thinking', data: 'enc' }] }),
    ]);
  });

  it('throws a retryable ServerError for an in-band overloaded_error after HTTP 200', () => {
    const t = new AnthropicStreamTranslator({ provider: 'claude', nowMs: NOW, requestId: 'req_9', secrets: ['sk-ant-secret'] });
    feed([start(), ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }]], t);
    let err: unknown;
    try {
      t.push('error', JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded for sk-ant-secret' } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({
      message: 'claude: error in stream overloaded_error — Overloaded for [redacted]',
      provider: 'claude',
      status: undefined,
      retryable: true,
      requestId: 'req_9',
      providerCode: 'overloaded_error',
    });
  });

  /** What `fn` throws; fails the test when it returns normally. */
  function thrownBy(fn: () => unknown): unknown {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected a throw, but it returned normally');
  }

  it('reports a stream that ends before message_stop as interrupted, saying whether content was delivered', () => {
    const empty = new AnthropicStreamTranslator({ provider: 'anthropic', nowMs: NOW, requestId: 'req_2' });
    feed([start()], empty);
    const emptyError = thrownBy(() => empty.end());
    expect(emptyError).toBeInstanceOf(StreamInterruptedError);
    expect(emptyError).toMatchObject({ message: 'anthropic: stream ended before message_stop', contentDelivered: false, retryable: true, requestId: 'req_2', provider: 'anthropic' });
    const partial = new AnthropicStreamTranslator({ provider: 'anthropic', nowMs: NOW });
    feed([start(), ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }]], partial);
    expect(partial.contentDelivered).toBe(true);
    const partialError = thrownBy(() => partial.end());
    expect(partialError).toBeInstanceOf(StreamInterruptedError);
    expect(partialError).toMatchObject({ message: 'anthropic: stream ended before message_stop', contentDelivered: true, retryable: true });
  });

  it('throws StreamInterruptedError on unparsable data and ignores unknown events and anything after message_stop', () => {
    const t = new AnthropicStreamTranslator({ provider: 'anthropic', nowMs: NOW });
    const bad = () => t.push('content_block_delta', '{"type":"content_bl');
    expect(bad).toThrow(StreamInterruptedError);
    expect(bad).toThrow('anthropic: stream received an unparsable content_block_delta event');
    expect(feed([start(), ['future_event', { type: 'future_event', x: 1 }], ['message_stop', { type: 'message_stop' }], ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'late' } }]], t)).toHaveLength(2);
  });
});
