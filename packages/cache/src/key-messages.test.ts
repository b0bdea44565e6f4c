import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { canonicalRequest, stableStringify } from './key.js';

/** The general walk's text for the same request (stableStringify sorts every object's keys). */
const reference = (request: object): string => stableStringify(request)!;

describe('canonical messages', () => {
  it('writes plain-text messages in one step, in sorted key order whatever the source order', () => {
    const request = { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, { content: 'Say "hi"\n\u2028\ud800', role: 'user' }, { role: 'x"y\t', content: 'plain' }] };
    const text = canonicalRequest(request as ChatRequest);
    expect(text).toBe('{"messages":[{"content":"Be brief.","role":"system"},{"content":"Say \\"hi\\"\\n\u2028\\ud800","role":"user"},{"content":"plain","role":"x\\"y\\t"}],"model":"m"}');
    expect(text).toBe(reference(request));
  });

  it.each([
    ['an extra field', { role: 'user', content: 'x', name: 'n' }, '{"content":"x","name":"n","role":"user"}'],
    ['content parts', { role: 'user', content: [{ type: 'text', text: 'x' }] }, '{"content":[{"text":"x","type":"text"}],"role":"user"}'],
    ['null content', { role: 'assistant', content: null }, '{"content":null,"role":"assistant"}'],
    ['a toJSON', { role: 'user', content: 'x', toJSON: () => ({ role: 'user', content: 'y' }) }, '{"content":"y","role":"user"}'],
    ['an inherited role', Object.assign(Object.create({ role: 'system' }) as object, { content: 'x', other: 1 }), '{"content":"x","other":1}'],
    ['an inherited toJSON', Object.assign(Object.create({ toJSON: () => 'replaced' }) as object, { role: 'user', content: 'x' }), '"replaced"'],
    ['an array', ['role', 'content'], '["role","content"]'],
    ['undefined', undefined, 'null'],
  ])('takes the general walk for a message with %s, with the same text', (_, message, expected) => {
    const request = { model: 'm', messages: [{ role: 'user', content: 'first' }, message] };
    const text = canonicalRequest(request as unknown as ChatRequest);
    expect(text).toBe(`{"messages":[{"content":"first","role":"user"},${expected}],"model":"m"}`);
    expect(text).toBe(reference(request));
  });
});
