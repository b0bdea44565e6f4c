import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { canonicalJsonByCopy } from './canonical-copy.js';
import { canonicalRequest, KEY_EXCLUDED_FIELDS, stableStringify } from './key.js';

const EXCLUDED = new Set(KEY_EXCLUDED_FIELDS);

/** The reference text: the hand-written serialiser over the request minus excluded fields and nulls. */
function reference(request: Record<string, unknown>): string {
  const kept = Object.fromEntries(Object.entries(request).filter(([k, v]) => !EXCLUDED.has(k) && v !== null));
  return stableStringify(kept)!;
}

describe('canonical JSON through a sorted copy', () => {
  it('takes the copy for plain-text messages and gives the reference text', () => {
    const request = {
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { content: 'Say "hi"\n\u2028', role: 'user' },
      ],
      temperature: 0,
      max_tokens: 5,
      stream: true,
      user: 'u1',
      top_p: null,
    };
    const copied = canonicalJsonByCopy(request, EXCLUDED);
    expect(copied).toBe('{"max_tokens":5,"messages":[{"content":"Be brief.","role":"system"},{"content":"Say \\"hi\\"\\n\u2028","role":"user"}],"model":"m","temperature":0}');
    expect(copied).toBe(reference(request));
    expect(canonicalRequest(request as ChatRequest)).toBe(copied);
  });

  it('takes the copy for nested values: toJSON, dates, non-finite numbers, omitted values, lone surrogates', () => {
    const request = {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a\ud800' }], name: 'n' },
        { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'user', content: 'x', toJSON: () => ({ role: 'user', content: 'y' }) },
      ],
      response_format: { type: 'json_schema', json_schema: { schema: { b: 1, a: [1, Number.NaN, undefined, () => 1, -0, Infinity] } } },
      at: new Date(0),
      f: () => 1,
      nested: { inner: null, u: undefined },
    };
    const copied = canonicalJsonByCopy(request, EXCLUDED);
    expect(copied).toBeTypeOf('string');
    expect(copied).toBe(reference(request));
    expect(copied).toContain('"messages":[{"content":[{"text":"a\\ud800","type":"text"}],"name":"n","role":"user"}');
    expect(copied).toContain('{"content":"y","role":"user"}');
    expect(copied).toContain('"a":[1,null,null,null,0,null]');
  });

  it('does not read an inherited role as the message role', () => {
    const message = Object.assign(Object.create({ role: 'system' }) as object, { content: 'x', name: 'n' });
    const request = { model: 'm', messages: [message] };
    expect(canonicalJsonByCopy(request, EXCLUDED)).toBe('{"messages":[{"content":"x","name":"n"}],"model":"m"}');
    expect(canonicalJsonByCopy(request, EXCLUDED)).toBe(reference(request));
  });

  it.each([
    ['a bigint', { model: 'm', messages: [{ role: 'user', content: 'x' }], seed: 10n }, '"seed":10'],
    ['array-index keys', { model: 'm', messages: [{ role: 'user', content: 'x' }], logit_bias: { '10': 1, '2': -1 } }, '"logit_bias":{"10":1,"2":-1}'],
    ['a __proto__ key', { model: 'm', messages: [{ role: 'user', content: 'x' }], extra: JSON.parse('{"__proto__":{"a":1},"b":2}') as object }, '"extra":{"__proto__":{"a":1},"b":2}'],
  ])('falls back to the reference serialiser for %s, with the same text as before', (_, request, expected) => {
    expect(canonicalJsonByCopy(request, EXCLUDED)).toBeUndefined();
    const text = canonicalRequest(request as ChatRequest);
    expect(text).toBe(reference(request));
    expect(text).toContain(expected);
  });
});
