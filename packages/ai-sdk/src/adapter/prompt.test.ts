/**
 * toPrompt: Lifeline's OpenAI-shaped messages as the AI SDK prompt.
 */
import { BadRequestError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { toPrompt } from './prompt.js';

describe('toPrompt', () => {
  it('system/developer, user parts, assistant reasoning with thinking blocks and tool calls, grouped tool results', () => {
    const prompt = toPrompt('p', [
      { role: 'developer', content: 'Rules.' },
      { role: 'user', content: [{ type: 'text', text: 'See', cache_control: { type: 'ephemeral' } }, { type: 'image_url', image_url: { url: 'https://x/cat.png' } }, { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } }, { type: 'input_audio', input_audio: { data: 'AAA', format: 'mp3' } }] },
      {
        role: 'assistant',
        content: 'Calling.',
        reasoning_content: 'ignored when blocks are present',
        thinking_blocks: [{ type: 'thinking', thinking: 'Plan.', signature: 'sig' }, { type: 'redacted_thinking', data: 'opaque' }],
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { id: 't2', type: 'function', function: { name: 'g', arguments: '' } }],
      } as never,
      { role: 'tool', tool_call_id: 't1', content: 'one' },
      { role: 'tool', tool_call_id: 't2', content: [{ type: 'text', text: 'two' }] },
    ]);
    expect(prompt).toEqual([
      { role: 'system', content: 'Rules.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'See', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
          { type: 'file', mediaType: 'image/*', data: { type: 'url', url: new URL('https://x/cat.png') } },
          { type: 'file', mediaType: 'application/pdf', filename: 'a.pdf', data: { type: 'data', data: 'JVBE' } },
          { type: 'file', mediaType: 'audio/mpeg', data: { type: 'data', data: 'AAA' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Plan.', providerOptions: { anthropic: { signature: 'sig' } } },
          { type: 'reasoning', text: '', providerOptions: { anthropic: { redactedData: 'opaque' } } },
          { type: 'text', text: 'Calling.' },
          { type: 'tool-call', toolCallId: 't1', toolName: 'f', input: { a: 1 } },
          { type: 'tool-call', toolCallId: 't2', toolName: 'g', input: {} },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 't1', toolName: 'f', output: { type: 'text', value: 'one' } },
          { type: 'tool-result', toolCallId: 't2', toolName: 'g', output: { type: 'text', value: 'two' } },
        ],
      },
    ]);
  });

  it('tool-call arguments that are not JSON are refused with a BadRequestError naming the field', () => {
    const run = () => toPrompt('p', [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }]);
    expect(run).toThrow(BadRequestError);
    expect(run).toThrow('p: messages[0].tool_calls[0].function.arguments must be a JSON string');
  });

  it('an image that is neither a data: URL nor http(s) is refused', () => {
    const run = () => toPrompt('p', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }]);
    expect(run).toThrow(BadRequestError);
    expect(run).toThrow('p: messages[0].content[0].image_url.url must be a base64 data: URL or an http(s) URL');
  });
});
