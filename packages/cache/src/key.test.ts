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

describe('cacheKey: pinned values (keys in existing stores must keep resolving)', () => {
  const pinned = {
    model: 'gpt-4.1-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hi "there" — ü 😀', name: 'bob' },
    ],
    temperature: 0,
    max_tokens: 64,
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    stream: true,
    user: 'u',
  } as ChatRequest;

  it('gives the exact canonical form and hashes of v1', () => {
    expect(canonicalRequest(pinned)).toBe(
      '{"max_tokens":64,"messages":[{"content":"You are terse.","role":"system"},{"content":"Hi \\"there\\" — ü 😀","name":"bob","role":"user"}],' +
        '"model":"gpt-4.1-mini","temperature":0,"tools":[{"function":{"name":"f","parameters":{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}},"type":"function"}]}',
    );
    expect(cacheKey(pinned)).toBe('46a8f0fb8bb9028ac64d84352ed5ef8ed4bd6b9d81405ec5fe472e813e2cd3a7');
    expect(cacheKey(pinned, 'acme')).toBe('1bc6bd8083df0dd9f518c2d0a8361e6159d3e7e4919fe7edc0cf39829f7cbdbb');
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

  it.each(['plain text', 'quote " and backslash \\', 'tab\tnewline\n\u0001', 'emoji 😀', 'lone \ud800 surrogate', 'é ü ∑ \u2028', 'ends with a newline\n', '\nstarts with one', '"', '\u001f', ' \u007f~', '\udfff', '\ue000\uffff', '', 'sixteen chars "x', 'seventeen chars\n!', 'a\u001fb', '\ud7ff\ue000', 'x\udbff'])(
    'quotes %j exactly as JSON.stringify does',
    (text) => {
      expect(stableStringify(text)).toBe(JSON.stringify(text));
      expect(stableStringify({ content: text })).toBe(JSON.stringify({ content: text }));
    },
  );

  /** The plain definition: object keys sorted by `Array#sort` at every depth (for plain JSON values). */
  function reference(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
  }

  it.each([2, 3, 5, 16, 17, 40])('orders %i keys in any insertion order as Array#sort does', (n) => {
    let seed = n;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const names = Array.from({ length: n }, (_, i) => ['a', 'B', 'é', '_', 'a1', '10', '9', 'ab'][i % 8]! + String(i * 7919 % 97));
    for (let round = 0; round < 20; round++) {
      const shuffled = [...names].sort(() => random() - 0.5);
      const value = { nested: Object.fromEntries(shuffled.map((k, i) => [k, { z: i, a: [shuffled[0]] }])) };
      expect(stableStringify(value)).toBe(reference(value));
    }
  });

  it('uses toJSON like JSON.stringify', () => {
    expect(stableStringify({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
