import { describe, expect, it } from 'vitest';
import { isContentChunk, ResponseAssembler, responseToChunks } from './assemble.js';
import type { ChatChunk, ChatResponse } from './types.js';

type Choice = ChatChunk['choices'][number];
const c = (choices: Array<Partial<Choice>>, extra: Partial<ChatChunk> = {}): ChatChunk =>
  ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra }) as ChatChunk;

function assemble(chunks: ChatChunk[]): ChatResponse {
  const asm = new ResponseAssembler();
  for (const chunk of chunks) asm.push(chunk);
  return asm.finish();
}

describe('ResponseAssembler: exact output', () => {
  it('keeps the first id, created and model, the last fingerprint given, and adds no field nobody sent', () => {
    const response = assemble([
      c([{ index: 0, delta: { role: 'assistant', content: '' } }], { id: '', created: 0, model: '' }),
      c([{ index: 0, delta: { content: 'Hi' } }], { id: 'a', created: 7, model: 'm1', system_fingerprint: 'fp1' }),
      c([{ index: 0, delta: {}, finish_reason: 'stop' }], { id: 'b', created: 8, model: 'm2' }),
      c([{ index: 0, delta: {}, finish_reason: null }], { id: 'b', created: 8, model: 'm2' }),
    ]);
    expect(response).toStrictEqual({
      id: 'a',
      object: 'chat.completion',
      created: 7,
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs: null }],
      system_fingerprint: 'fp1',
    });
  });

  it('passes a null fingerprint on, and an empty answer as an empty string', () => {
    const response = assemble([c([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }], { system_fingerprint: null })]);
    expect(response.system_fingerprint).toBeNull();
    expect(response.choices[0]!.message).toStrictEqual({ role: 'assistant', content: '' });
  });

  it('orders choices by index and tolerates a choice without a delta', () => {
    const response = assemble([
      c([{ index: 1, delta: { content: 'second' } }]),
      c([{ index: 0, delta: { content: 'first' } }]),
      c([{ index: 1, finish_reason: 'stop' } as Choice, { index: 0, finish_reason: 'length' } as Choice]),
    ]);
    expect(response.choices.map((ch) => [ch.index, ch.message.content, ch.finish_reason])).toEqual([
      [0, 'first', 'length'],
      [1, 'second', 'stop'],
    ]);
  });

  it('gives a tool-call-only answer null content and every part it saw', () => {
    const response = assemble([
      c([{ index: 0, delta: { role: 'assistant', refusal: '', reasoning_content: 'think', tool_calls: [{ index: 0, type: 'function', function: { name: 'f', arguments: '{' } }] } }]),
      c([{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '}' } }] }, finish_reason: 'tool_calls' }]),
    ]);
    expect(response.choices[0]!.message).toStrictEqual({
      role: 'assistant',
      content: null,
      refusal: '',
      reasoning_content: 'think',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
  });

  it('starts over after a restart marker', () => {
    const response = assemble([
      c([{ index: 0, delta: { content: 'old' } }], { id: 'a', created: 1, model: 'm1', system_fingerprint: 'fp', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      c([], { lifeline: { event: 'restart' } } as Partial<ChatChunk>),
      c([{ index: 0, delta: { content: 'new' }, finish_reason: 'stop' }], { id: 'b', created: 2, model: 'm2' }),
    ]);
    expect(response).toStrictEqual({
      id: 'b',
      object: 'chat.completion',
      created: 2,
      model: 'm2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'new' }, finish_reason: 'stop', logprobs: null }],
    });
  });

  it('hasContent: text, a refusal or a tool call in any choice; not a role-only chunk', () => {
    const asm = new ResponseAssembler();
    asm.push(c([{ index: 0, delta: { role: 'assistant', content: '' } }, { index: 1, delta: { role: 'assistant' } }]));
    expect(asm.hasContent).toBe(false);
    asm.push(c([{ index: 1, delta: { content: 'x' } }]));
    expect(asm.hasContent).toBe(true);
    const refusal = new ResponseAssembler();
    refusal.push(c([{ index: 0, delta: { refusal: 'no' } }]));
    expect(refusal.hasContent).toBe(true);
    const tool = new ResponseAssembler();
    tool.push(c([{ index: 0, delta: { tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '' } }] } }]));
    expect(tool.hasContent).toBe(true);
  });
});

describe('ResponseAssembler: tool-call deltas', () => {
  const calls = (deltas: NonNullable<Choice['delta']['tool_calls']>[]) => assemble(deltas.map((tool_calls) => c([{ index: 0, delta: { tool_calls } }]))).choices[0]!.message.tool_calls;

  it('places calls by index even when a later index comes first; a call without id gets an empty one', () => {
    expect(
      calls([
        [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '2' } }],
        [{ index: 0, type: 'function', function: { name: 'f', arguments: '1' } }],
      ]),
    ).toStrictEqual([
      { id: '', type: 'function', function: { name: 'f', arguments: '1' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '2' } },
    ]);
  });

  it('takes an id that comes late, keeps the first name, and ignores deltas without a function or arguments', () => {
    expect(
      calls([
        [{ index: 0, type: 'function', function: { name: 'get', arguments: '{"a"' } }],
        [{ index: 0, id: 'call_9' } as never],
        [{ index: 0, function: { name: 'other' } } as never],
        [{ index: 0, function: { arguments: ':1}' } }],
      ]),
    ).toStrictEqual([{ id: 'call_9', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }]);
  });

  it('without index, appends to the call with the same id', () => {
    expect(
      calls([
        [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{' } } as never],
        [{ id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } } as never],
        [{ id: 'a', function: { arguments: '}' } } as never],
      ]),
    ).toStrictEqual([
      { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
    ]);
  });
});

describe('isContentChunk()', () => {
  it('counts text, refusals, reasoning and tool calls; nothing empty, nothing without choices or delta', () => {
    const yes = [{ content: 'a' }, { refusal: 'no' }, { reasoning_content: 'hmm' }, { tool_calls: [{ index: 0 }] }];
    for (const delta of yes) expect(isContentChunk(c([{ index: 0, delta: delta as never }])), JSON.stringify(delta)).toBe(true);
    const no = [{ content: '' }, { refusal: '' }, { reasoning_content: '' }, { tool_calls: [] }, { role: 'assistant' }];
    for (const delta of no) expect(isContentChunk(c([{ index: 0, delta: delta as never }])), JSON.stringify(delta)).toBe(false);
    expect(isContentChunk({ ...c([]), choices: undefined } as unknown as ChatChunk)).toBe(false);
    expect(isContentChunk(c([{ index: 0 } as Choice, { index: 1, delta: { content: 'x' } }]))).toBe(true);
  });
});

describe('responseToChunks(): exact chunks', () => {
  it('one content chunk and one finish chunk per choice, then usage; only the fields the message has', () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const response: ChatResponse = {
      id: 'r',
      object: 'chat.completion',
      created: 5,
      model: 'm',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' },
        {
          index: 1,
          message: { role: 'assistant', content: null, refusal: 'no', reasoning_content: 'r', thinking_blocks: [{ type: 'thinking' }], tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: {} } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
    const base = { id: 'r', object: 'chat.completion.chunk', created: 5, model: 'm' };
    expect(responseToChunks(response)).toStrictEqual([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      {
        ...base,
        choices: [
          {
            index: 1,
            delta: { role: 'assistant', content: '', refusal: 'no', reasoning_content: 'r', thinking_blocks: [{ type: 'thinking' }], tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: {} } }] },
            finish_reason: null,
          },
        ],
      },
      { ...base, choices: [{ index: 1, delta: {}, finish_reason: 'tool_calls' }] },
      { ...base, choices: [], usage },
    ]);
    const { usage: _, ...bare } = response;
    expect(responseToChunks({ ...bare, choices: [response.choices[0]!] })).toHaveLength(2);
    const plainTool = responseToChunks({ ...bare, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '' } }] }, finish_reason: 'tool_calls' }] });
    expect(plainTool[0]!.choices[0]!.delta.tool_calls).toStrictEqual([{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '' } }]);
  });
});
