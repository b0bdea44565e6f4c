import { describe, expect, it } from 'vitest';
import { chunk } from '../test/fake-adapter.js';
import { ResponseAssembler, isContentChunk, responseToChunks } from './assemble.js';

describe('ResponseAssembler', () => {
  it('merges relay tool calls without index (new id starts a new call, no id appends)', () => {
    const asm = new ResponseAssembler();
    asm.push(chunk({ tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } } as never] }));
    asm.push(chunk({ tool_calls: [{ function: { arguments: '1}' } } as never] }));
    asm.push(chunk({ tool_calls: [{ id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } } as never] }, 'stop'));
    const r = asm.finish();
    expect(r.choices[0]?.message.tool_calls).toEqual([
      { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
    ]);
  });

  it('keeps the last usage seen and tolerates choices: [] and null choices', () => {
    const asm = new ResponseAssembler();
    asm.push(chunk({ content: 'a' }, null, { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    asm.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 } });
    asm.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: null as never });
    expect(asm.finish().usage?.completion_tokens).toBe(5);
    expect(asm.chunkCount).toBe(3);
  });

  it('assembles several choices, refusal and reasoning content', () => {
    const asm = new ResponseAssembler();
    asm.push({ id: 'x', object: 'chat.completion.chunk', created: 2, model: 'm', choices: [
      { index: 1, delta: { content: 'B' }, finish_reason: null },
      { index: 0, delta: { reasoning_content: 'think', content: 'A' }, finish_reason: null },
    ] });
    asm.push({ id: 'x', object: 'chat.completion.chunk', created: 2, model: 'm', choices: [{ index: 0, delta: { refusal: 'no' }, finish_reason: 'stop' }] });
    const r = asm.finish();
    expect(r.choices.map((c) => c.message.content)).toEqual(['A', 'B']);
    expect(r.choices[0]?.message).toMatchObject({ refusal: 'no', reasoning_content: 'think' });
    expect(r).toMatchObject({ id: 'x', created: 2, model: 'm', object: 'chat.completion' });
  });

  it('isContentChunk ignores role-only, finish-only and usage-only chunks', () => {
    expect(isContentChunk(chunk({ role: 'assistant', content: '' }))).toBe(false);
    expect(isContentChunk(chunk({}, 'stop'))).toBe(false);
    expect(isContentChunk({ id: '', object: 'chat.completion.chunk', created: 0, model: '', choices: [] })).toBe(false);
    expect(isContentChunk(chunk({ content: 'x' }))).toBe(true);
    expect(isContentChunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '' } }] }))).toBe(true);
  });

  it('responseToChunks round-trips through the assembler', () => {
    const response = {
      id: 'r', object: 'chat.completion' as const, created: 3, model: 'm',
      choices: [{ index: 0, message: { role: 'assistant' as const, content: null, tool_calls: [{ id: 't', type: 'function' as const, function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };
    const asm = new ResponseAssembler();
    for (const c of responseToChunks(response)) asm.push(c);
    const back = asm.finish();
    expect(back.choices[0]?.message.tool_calls).toEqual(response.choices[0]?.message.tool_calls);
    expect(back.choices[0]?.finish_reason).toBe('tool_calls');
    expect(back.usage).toEqual(response.usage);
  });
});

describe('vendor data that must round-trip', () => {
  it('keeps tool-call extra_content (Gemini thought signatures) and thinking blocks (Anthropic) through assembly and replay', () => {
    const asm = new ResponseAssembler();
    asm.push(chunk({ thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig1' }] }));
    asm.push(chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'ts' } } }] }, 'tool_calls'));
    const r = asm.finish();
    expect(r.choices[0]?.message.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'hmm', signature: 'sig1' }]);
    expect(r.choices[0]?.message.tool_calls?.[0]?.extra_content).toEqual({ google: { thought_signature: 'ts' } });
    const again = new ResponseAssembler();
    for (const c of responseToChunks(r)) again.push(c);
    expect(again.finish().choices[0]?.message).toEqual(r.choices[0]?.message);
  });
});

describe('restart marker', () => {
  it('discards what was assembled before a restart', () => {
    const asm = new ResponseAssembler();
    asm.push(chunk({ content: 'A partial' }));
    asm.push({ id: '', object: 'chat.completion.chunk', created: 0, model: '', choices: [], lifeline: { event: 'restart', target: 'backup' } });
    asm.push(chunk({ content: 'Hello world' }, 'stop', { id: 'c2', model: 'backup-model' }));
    const r = asm.finish();
    expect(r.choices[0]?.message.content).toBe('Hello world');
    expect(r.model).toBe('backup-model');
  });
});
