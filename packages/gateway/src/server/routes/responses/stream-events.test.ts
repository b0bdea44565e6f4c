import type { ChatResponse } from '@lifeline/core';
import { chatChunk, chatResponse } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import type { ResponseIds } from './ids.js';
import { ResponseStreamEvents } from './stream-events.js';

const ids: ResponseIds = { response: 'resp_1', item: (kind, i) => `${kind}_${i}`, call: (i) => `call_gen_${i}` };
const envelope = { ids, createdAt: 1, body: { model: 'm' }, store: true };

/** `type` plus the fields that tell events apart, for exact sequence assertions. */
function brief(events: Array<Record<string, unknown>>): string[] {
  return events.map((e) => [e.sequence_number, e.type, e.output_index, e.content_index, e.delta ?? e.text ?? e.arguments ?? (e.item as { type?: string } | undefined)?.type].filter((x) => x !== undefined).join(' '));
}

const finished = (finish: string, usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 }): ChatResponse => ({ ...chatResponse('', { usage, finishReason: finish }), model: 'm-2' });

describe('ResponseStreamEvents', () => {
  it('reasoning, text, then two tool calls: each its own item, closed in order', () => {
    const s = new ResponseStreamEvents(envelope, 'm');
    const events = [
      ...s.start(),
      ...s.push(chatChunk({ role: 'assistant', content: '' })),
      ...s.push(chatChunk({ reasoning_content: 'Think' })),
      ...s.push(chatChunk({ content: 'Hel' })),
      ...s.push(chatChunk({ content: 'lo' })),
      ...s.push(chatChunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":' } }] })),
      ...s.push(chatChunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })),
      ...s.push(chatChunk({ tool_calls: [{ index: 1, function: { name: 'g', arguments: '{}' } }] })),
      ...s.push(chatChunk({}, 'tool_calls')),
      ...s.finish(finished('tool_calls')),
    ];
    expect(brief(events)).toEqual([
      '0 response.created',
      '1 response.in_progress',
      '2 response.output_item.added 0 reasoning',
      '3 response.content_part.added 0 0',
      '4 response.reasoning_text.delta 0 0 Think',
      '5 response.reasoning_text.done 0 0 Think',
      '6 response.content_part.done 0 0',
      '7 response.output_item.done 0 reasoning',
      '8 response.output_item.added 1 message',
      '9 response.content_part.added 1 0',
      '10 response.output_text.delta 1 0 Hel',
      '11 response.output_text.delta 1 0 lo',
      '12 response.output_text.done 1 0 Hello',
      '13 response.content_part.done 1 0',
      '14 response.output_item.done 1 message',
      '15 response.output_item.added 2 function_call',
      '16 response.function_call_arguments.delta 2 {"x":',
      '17 response.function_call_arguments.delta 2 1}',
      '18 response.output_item.added 3 function_call',
      '19 response.function_call_arguments.delta 3 {}',
      '20 response.function_call_arguments.done 2 {"x":1}',
      '21 response.output_item.done 2 function_call',
      '22 response.function_call_arguments.done 3 {}',
      '23 response.output_item.done 3 function_call',
      '24 response.completed',
    ]);
    const done = events.at(-1)!.response as Record<string, any>;
    expect(done).toMatchObject({ id: 'resp_1', status: 'completed', model: 'm-2', usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } });
    expect(done.output).toEqual([
      { id: 'reasoning_0', type: 'reasoning', status: 'completed', summary: [], content: [{ type: 'reasoning_text', text: 'Think' }] },
      { id: 'message_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }] },
      { id: 'function_call_2', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'f', arguments: '{"x":1}' },
      { id: 'function_call_3', type: 'function_call', status: 'completed', call_id: 'call_gen_1', name: 'g', arguments: '{}' },
    ]);
    // What `response.created` carried was not changed afterwards.
    expect((events[0]!.response as { output: unknown[]; status: string }).output).toEqual([]);
    expect((events[8]!.item as { content: unknown[] }).content).toEqual([]);
  });

  it('a refusal is its own content part; a cut answer ends with response.incomplete', () => {
    const s = new ResponseStreamEvents(envelope, 'm');
    const events = [...s.start(), ...s.push(chatChunk({ refusal: 'No.' })), ...s.finish(finished('length'))];
    expect(brief(events).slice(2)).toEqual([
      '2 response.output_item.added 0 message',
      '3 response.content_part.added 0 0',
      '4 response.refusal.delta 0 0 No.',
      '5 response.refusal.done 0 0',
      '6 response.content_part.done 0 0',
      '7 response.output_item.done 0 message',
      '8 response.incomplete',
    ]);
    expect(events.at(-1)!.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'incomplete', content: [{ type: 'refusal', refusal: 'No.' }] }] });
  });

  it('a break: error, then response.failed with what was produced so far', () => {
    const s = new ResponseStreamEvents(envelope, 'm');
    s.start();
    s.push(chatChunk({ content: 'Part' }));
    const events = s.fail({ code: 'server_error', message: 'primary: cut', error: { message: 'primary: cut', type: 'upstream_error', param: null, code: 'stream_interrupted' } });
    expect(events).toEqual([
      { type: 'error', code: 'server_error', message: 'primary: cut', param: null, error: { message: 'primary: cut', type: 'upstream_error', param: null, code: 'stream_interrupted' }, sequence_number: 5 },
      { type: 'response.failed', response: expect.objectContaining({ status: 'failed', error: { code: 'server_error', message: 'primary: cut' } }), sequence_number: 6 },
    ]);
    expect((events[1]!.response as { output: unknown }).output).toEqual([{ id: 'message_0', type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'output_text', text: 'Part', annotations: [], logprobs: [] }] }]);
  });
});
