import { StreamInterruptedError, type ChatChunk } from '@lifeline/core';
import { chatChunk } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { MessageEvents } from './events.js';
import type { StreamEvent } from './types.js';

const usageChunk = (usage: ChatChunk['usage']): ChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage });
const finish = (reason: string): ChatChunk => chatChunk({}, reason);

function run(chunks: ChatChunk[]): StreamEvent[] {
  const t = new MessageEvents({ id: 'msg_1', model: 'm', inputTokens: 9 });
  return [t.start(), ...chunks.flatMap((c) => t.push(c)), ...t.close()];
}

/** Events in a compact form: `name` or `name:detail`. */
function compact(events: StreamEvent[]): string[] {
  return events.map(({ event, data }) => {
    if (event === 'content_block_start') return `start:${data.index}:${(data.content_block as { type: string }).type}`;
    if (event === 'content_block_stop') return `stop:${data.index}`;
    if (event === 'content_block_delta') {
      const d = data.delta as Record<string, string>;
      return `delta:${data.index}:${d.type}:${d.text ?? d.thinking ?? d.partial_json ?? d.signature}`;
    }
    if (event === 'message_delta') return `message_delta:${(data.delta as { stop_reason: string }).stop_reason}`;
    return event;
  });
}

describe('MessageEvents', () => {
  it('starts the message with an estimated input count', () => {
    expect(run([])[0]!.data).toMatchObject({ type: 'message_start', message: { id: 'msg_1', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 0 } } });
  });

  it('streams thinking with its signature, then text, then tool calls, one block at a time', () => {
    const events = run([
      chatChunk({ role: 'assistant', content: '' }),
      chatChunk({ reasoning_content: 'Hmm' }),
      chatChunk({ reasoning_content: '.' }),
      chatChunk({ thinking_blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] }),
      chatChunk({ content: 'Hi' }),
      chatChunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      chatChunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chatChunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      finish('tool_calls'),
      usageChunk({ prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, prompt_tokens_details: { cached_tokens: 8 } }),
    ]);
    expect(compact(events)).toEqual([
      'message_start',
      'start:0:thinking',
      'delta:0:thinking_delta:Hmm',
      'delta:0:thinking_delta:.',
      'delta:0:signature_delta:sig',
      'stop:0',
      'start:1:text',
      'delta:1:text_delta:Hi',
      'stop:1',
      'start:2:tool_use',
      'delta:2:input_json_delta:{"a":',
      'delta:2:input_json_delta:1}',
      'stop:2',
      'start:3:tool_use',
      'delta:3:input_json_delta:{}',
      'stop:3',
      'message_delta:tool_use',
    ]);
    expect(events[9]!.data.content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'f', input: {}, caller: { type: 'direct' } });
    expect(events.at(-1)!.data.usage).toEqual({ input_tokens: 12, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 8, output_tokens_details: null, server_tool_use: null });
  });

  it('gives replayed whole thinking blocks (cache, fallback) instead of the joined reasoning, and redacted blocks as they are', () => {
    const events = run([
      chatChunk({
        role: 'assistant',
        content: 'Done.',
        reasoning_content: 'A.B.',
        thinking_blocks: [{ type: 'thinking', thinking: 'A.', signature: 's1' }, { type: 'redacted_thinking', data: 'zz' }, { type: 'thinking', thinking: 'B.', signature: 's2' }],
      }),
      finish('stop'),
    ]);
    expect(compact(events)).toEqual([
      'message_start',
      'start:0:thinking',
      'delta:0:thinking_delta:A.',
      'delta:0:signature_delta:s1',
      'stop:0',
      'start:1:redacted_thinking',
      'stop:1',
      'start:2:thinking',
      'delta:2:thinking_delta:B.',
      'delta:2:signature_delta:s2',
      'stop:2',
      'start:3:text',
      'delta:3:text_delta:Done.',
      'stop:3',
      'message_delta:end_turn',
    ]);
    expect(events[5]!.data.content_block).toEqual({ type: 'redacted_thinking', data: 'zz' });
  });

  it('continues the open block through a failover continuation (a second role chunk, another vendor)', () => {
    const events = run([chatChunk({ role: 'assistant', content: 'Hel' }), chatChunk({ role: 'assistant', content: '' }), chatChunk({ content: 'lo' }), finish('stop')]);
    expect(compact(events)).toEqual(['message_start', 'start:0:text', 'delta:0:text_delta:Hel', 'delta:0:text_delta:lo', 'stop:0', 'message_delta:end_turn']);
  });

  it('refuses a restart after content (it cannot be taken back), and ignores one before', () => {
    const restart: ChatChunk = { id: '', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], lifeline: { event: 'restart', from: 'a', target: 'b', reason: 'connection' } };
    const t = new MessageEvents({ id: 'msg_1', model: 'm', inputTokens: 0 });
    expect(t.push(restart)).toEqual([]);
    t.push(chatChunk({ content: 'Partial' }));
    expect(() => t.push(restart)).toThrow(new StreamInterruptedError('The stream broke and the answer restarted on another target; a Messages stream cannot take back what it sent', { contentDelivered: true }));
  });

  it('maps a refusal and a stop without reason honestly', () => {
    expect(compact(run([chatChunk({ refusal: 'No.' }), finish('stop')])).at(-1)).toBe('message_delta:refusal');
    expect(compact(run([chatChunk({ content: 'cut' })])).at(-1)).toBe('message_delta:end_turn');
    expect(compact(run([chatChunk({ content: 'long' }), finish('length')])).at(-1)).toBe('message_delta:max_tokens');
  });
});
