import type { ChatResponse } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { request } from '../test/fake-adapter.js';
import { withPrefill } from './prefill.js';

const partial = (message: ChatResponse['choices'][number]['message'], more = 0): ChatResponse => ({
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: Array.from({ length: 1 + more }, (_, index) => ({ index, message, finish_reason: null })),
});

describe('withPrefill()', () => {
  it('appends the partial answer as a final assistant message, without trailing whitespace', () => {
    const original = request();
    expect(withPrefill(original, partial({ role: 'assistant', content: 'The quick \n' }))).toEqual({
      request: { ...original, messages: [...original.messages, { role: 'assistant', content: 'The quick' }] },
      trimmed: true,
    });
    expect(original.messages).toHaveLength(1);
    expect(withPrefill(original, partial({ role: 'assistant', content: 'The quick' }))).toMatchObject({ trimmed: false });
  });

  it("extends the caller's own prefill instead of adding a second assistant message", () => {
    const original = { ...request(), messages: [...request().messages, { role: 'assistant' as const, content: '{"answer": ' }] };
    const got = withPrefill(original, partial({ role: 'assistant', content: '"forty' }));
    expect(typeof got !== 'string' && got.request.messages).toEqual([...request().messages, { role: 'assistant', content: '{"answer": "forty' }]);
  });

  it('sends the conversation unchanged when nothing but whitespace was delivered', () => {
    const got = withPrefill(request(), partial({ role: 'assistant', content: '\n\n' }));
    expect(got).toEqual({ request: request(), trimmed: true });
  });

  it('refuses what a prefill cannot express', () => {
    expect(withPrefill(request(), partial({ role: 'assistant', content: 'a' }, 1))).toBe('the partial answer has several choices');
    expect(withPrefill(request(), partial({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }] }))).toBe('the partial answer has tool calls');
    expect(withPrefill(request(), partial({ role: 'assistant', content: '', refusal: 'I cannot' }))).toBe('the partial answer is a refusal');
  });
});
