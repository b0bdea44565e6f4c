import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { cacheKey, canonicalRequest, KEY_EXCLUDED_FIELDS, stableStringify } from './key.js';

const base: ChatRequest = {
  model: 'gpt-4.1',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
};

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

/** Each output-affecting field with two different values (the first may equal "absent"). */
const SENSITIVE: Array<[string, unknown, unknown]> = [
  ['model', 'gpt-4.1', 'gpt-4.1-mini'],
  ['messages', base.messages, [...base.messages, { role: 'assistant', content: 'Paris.' }, { role: 'user', content: 'And Spain?' }]],
  ['tools', [weatherTool], [{ ...weatherTool, function: { ...weatherTool.function, name: 'get_forecast' } }]],
  ['tool_choice', 'auto', { type: 'function', function: { name: 'get_weather' } }],
  ['parallel_tool_calls', true, false],
  ['response_format', { type: 'text' }, { type: 'json_object' }],
  ['temperature', 0, 0.7],
  ['top_p', 1, 0.5],
  ['seed', 1, 2],
  ['stop', ['\n'], ['END']],
  ['max_tokens', 100, 200],
  ['max_completion_tokens', 100, 200],
  ['n', 1, 2],
  ['presence_penalty', 0, 0.5],
  ['frequency_penalty', 0, 0.5],
  ['logprobs', false, true],
  ['top_logprobs', 1, 5],
  ['logit_bias', { '50256': -100 }, { '50256': 100 }],
  ['reasoning_effort', 'low', 'high'],
  ['thinking', { type: 'enabled', budget_tokens: 1024 }, { type: 'enabled', budget_tokens: 2048 }],
];

describe('cacheKey: sensitivity', () => {
  it.each(SENSITIVE)('changes when %s changes', (field, a, b) => {
    const ka = cacheKey({ ...base, [field]: a });
    const kb = cacheKey({ ...base, [field]: b });
    expect(ka).not.toBe(kb);
    expect(ka).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(SENSITIVE.filter(([f]) => f !== 'model' && f !== 'messages'))('setting %s differs from leaving it out', (field, a) => {
    expect(cacheKey({ ...base, [field]: a })).not.toBe(cacheKey(base));
  });

  it('changes with a message detail: role, name, tool_call_id, content part', () => {
    const k = cacheKey(base);
    expect(cacheKey({ ...base, messages: [{ role: 'developer', content: 'Be brief.' }, base.messages[1]!] })).not.toBe(k);
    expect(cacheKey({ ...base, messages: [base.messages[0]!, { role: 'user', content: 'What is the capital of France?', name: 'bob' }] })).not.toBe(k);
    const image = { ...base, messages: [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://x/a.png' } }] }] };
    const image2 = { ...base, messages: [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://x/b.png' } }] }] };
    expect(cacheKey(image)).not.toBe(cacheKey(image2));
  });

  it('tells strings from numbers and arrays from strings', () => {
    expect(cacheKey({ ...base, stop: 'END' })).not.toBe(cacheKey({ ...base, stop: ['END'] }));
    expect(cacheKey({ ...base, seed: 1 })).not.toBe(cacheKey({ ...base, seed: '1' as unknown as number }));
  });
});

describe('cacheKey: stability', () => {
  it('is deterministic', () => {
    expect(cacheKey(base)).toBe(cacheKey(structuredClone(base)));
  });

  it('ignores key order at every depth', () => {
    const a: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [weatherTool], temperature: 0 };
    const b = {
      temperature: 0,
      tools: [{ function: { parameters: { properties: { city: { type: 'string' } }, type: 'object' }, name: 'get_weather' }, type: 'function' }],
      messages: [{ content: 'hi', role: 'user' }],
      model: 'm',
    } as unknown as ChatRequest;
    expect(cacheKey(a)).toBe(cacheKey(b));
  });

  it.each([
    ['stream', true],
    ['stream_options', { include_usage: true }],
    ['user', 'user-42'],
    ['safety_identifier', 'hash-42'],
    ['store', true],
    ['metadata', { trace: 'abc' }],
    ['prompt_cache_key', 'pck'],
  ])('ignores %s (cannot change the answer)', (field, value) => {
    expect(cacheKey({ ...base, [field]: value })).toBe(cacheKey(base));
  });

  it('treats null and undefined top-level fields as absent', () => {
    expect(cacheKey({ ...base, temperature: null, seed: undefined, stop: null })).toBe(cacheKey(base));
  });

  it('never lets a credential in: api_key and apiKey are left out', () => {
    const withKey = { ...base, api_key: 'sk-live-123456789', apiKey: 'sk-live-987654321' };
    expect(cacheKey(withKey)).toBe(cacheKey(base));
    expect(canonicalRequest(withKey)).not.toContain('sk-live');
  });

  it('documents its exclusions', () => {
    expect(KEY_EXCLUDED_FIELDS).toEqual(['stream', 'stream_options', 'user', 'safety_identifier', 'store', 'metadata', 'prompt_cache_key', 'api_key', 'apiKey']);
  });
});

describe('cacheKey: scope', () => {
  it('keys the same request apart per scope, and apart from the shared scope', () => {
    const keys = new Set([cacheKey(base), cacheKey(base, 'acme'), cacheKey(base, 'globex'), cacheKey(base, '')]);
    expect(keys.size).toBe(4);
    expect(cacheKey(base, 'acme')).toBe(cacheKey(base, 'acme'));
  });

  it('cannot be forged by a scope that mimics the separator', () => {
    expect(cacheKey(base, 'a\n-')).not.toBe(cacheKey(base, 'a'));
  });
});

describe('stableStringify', () => {
  it('matches JSON.stringify for canonical input', () => {
    const value = { a: 1, b: [true, null, 'x"y', { c: -0.5, d: 1e21 }], e: { f: 'ü\u2028' } };
    expect(stableStringify(value)).toBe(JSON.stringify(value));
  });

  it('sorts keys, drops undefined and functions like JSON, maps non-finite numbers to null', () => {
    expect(stableStringify({ b: 1, a: undefined, c: () => 1, d: [undefined, NaN, Infinity] })).toBe('{"b":1,"d":[null,null,null]}');
    expect(stableStringify({ z: 1, y: { x: 2, w: 3 } })).toBe('{"y":{"w":3,"x":2},"z":1}');
  });

  it.each(['plain text', 'quote " and backslash \\', 'tab\tnewline\n\u0001', 'emoji 😀', 'lone \ud800 surrogate', 'é ü ∑ \u2028'])(
    'quotes %j exactly as JSON.stringify does',
    (text) => {
      expect(stableStringify(text)).toBe(JSON.stringify(text));
      expect(stableStringify({ content: text })).toBe(JSON.stringify({ content: text }));
    },
  );

  it('uses toJSON like JSON.stringify', () => {
    expect(stableStringify({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
