import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { objectJson } from './canonical-json.js';
import { canonicalRequest, KEY_EXCLUDED_FIELDS } from './key.js';
import { COMMON_FIELDS, commonFieldIndex, commonRequestJson } from './key-fast-path.js';

const EXCLUDED = new Set(KEY_EXCLUDED_FIELDS);

/** The general walk's text: every key sorted and looked up one by one. */
const general = (request: object): string => objectJson(request as Record<string, unknown>, EXCLUDED);

const messages = [
  { role: 'system', content: 'Be brief.' },
  { content: 'Say "hi"\n', role: 'user' },
];

/** A value per common field, of the kinds requests carry (and a few they should not). */
const VALUES: Record<string, unknown[]> = {
  frequency_penalty: [0, 0.5, null, undefined],
  logprobs: [true, false, null],
  max_completion_tokens: [1, 4096, null],
  max_tokens: [512, null, undefined, Number.NaN],
  messages: [messages, [], [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], 'not an array', null],
  model: ['gpt-4.1-mini', 'é😀', '', null],
  n: [1, 2, Infinity],
  parallel_tool_calls: [true, false],
  presence_penalty: [-1.5, 0, null],
  response_format: [{ type: 'json_object' }, { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object', b: 1, a: 2 } } }],
  seed: [1, -7, 10n, null],
  stop: ['END', ['\n', 'END'], null],
  temperature: [0, 0.7, 1e21, () => 1, null],
  tool_choice: ['auto', { type: 'function', function: { name: 'f' } }],
  tools: [[{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }], []],
  top_logprobs: [0, 5],
  top_p: [1, 0.9, null, { toJSON: () => 0.5 }],
};

describe('canonical text of the common request shape', () => {
  it('lists its fields in canonical order, each recognised at its position', () => {
    expect([...COMMON_FIELDS].sort()).toEqual(COMMON_FIELDS);
    COMMON_FIELDS.forEach((field, i) => expect(commonFieldIndex(field)).toBe(i));
    for (const other of ['reasoning_effort', 'Model', 'messages ', '', '__proto__', 'stream']) expect(commonFieldIndex(other)).toBe(-1);
  });

  it('reads each common field by its own name', () => {
    for (const field of COMMON_FIELDS) {
      const request = { model: 'm', messages: [], [field]: `value of ${field}` } as unknown as ChatRequest;
      const text = commonRequestJson(request, EXCLUDED);
      expect(text).toContain(`"${field}":"value of ${field}"`);
      expect(text).toBe(general(request));
    }
  });

  it('writes the usual request itself, with the general walk’s text', () => {
    const request = { model: 'gpt-4.1-mini', messages, temperature: 0, max_tokens: 512, stream: true, user: 'u1' } as ChatRequest;
    const text = commonRequestJson(request, EXCLUDED);
    expect(text).toBe('{"max_tokens":512,"messages":[{"content":"Be brief.","role":"system"},{"content":"Say \\"hi\\"\\n","role":"user"}],"model":"gpt-4.1-mini","temperature":0}');
    expect(text).toBe(general(request));
    expect(canonicalRequest(request)).toBe(text);
  });

  it('writes every mix of common and excluded fields, in any key order, as the general walk does', () => {
    let seed = 17;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % n;
    const names = [...COMMON_FIELDS, ...KEY_EXCLUDED_FIELDS];
    for (let round = 0; round < 400; round++) {
      const request: Record<string, unknown> = {};
      const count = 1 + random(names.length);
      for (let i = 0; i < count; i++) {
        const name = names[random(names.length)]!;
        const values = VALUES[name] ?? [true, 'sk-secret', { include_usage: true }, null];
        request[name] = values[random(values.length)];
      }
      const text = commonRequestJson(request as unknown as ChatRequest, EXCLUDED);
      expect(text).toBeDefined();
      expect(text).toBe(general(request));
      expect(text).not.toContain('sk-secret');
      expect(canonicalRequest(request as unknown as ChatRequest)).toBe(text);
    }
  });

  it.each([
    ['a vendor extra', { model: 'm', messages, reasoning_effort: 'low' }],
    ['a field named like a common one in another case', { model: 'm', messages, Temperature: 1 }],
    ['an own __proto__ key', JSON.parse('{"model":"m","messages":[],"__proto__":{"temperature":1}}') as object],
    ['array-index keys', Object.assign({ model: 'm', messages }, { 0: 'a', 10: 'b' })],
    ['an array', ['model', 'messages']],
  ])('leaves a request with %s to the general walk, which gives the text', (_, request) => {
    expect(commonRequestJson(request as unknown as ChatRequest, EXCLUDED)).toBeUndefined();
    expect(canonicalRequest(request as unknown as ChatRequest)).toBe(general(request));
  });

  it('keeps a vendor extra in the key text through the general walk', () => {
    expect(canonicalRequest({ model: 'm', messages: [], reasoning_effort: 'low' } as ChatRequest)).toBe('{"messages":[],"model":"m","reasoning_effort":"low"}');
  });

  it('ignores inherited and non-enumerable fields, as the general walk does', () => {
    const request = Object.create({ temperature: 1, seed: 3 }) as Record<string, unknown>;
    Object.assign(request, { model: 'm', messages: [] });
    Object.defineProperty(request, 'top_p', { value: 0.1, enumerable: false });
    const text = commonRequestJson(request as unknown as ChatRequest, EXCLUDED);
    expect(text).toBe('{"messages":[],"model":"m"}');
    expect(text).toBe(general(request));
  });

  it('reads each present field once, in canonical order', () => {
    const reads: string[] = [];
    const request = {};
    for (const [name, value] of [['temperature', 0], ['model', 'm'], ['messages', []], ['max_tokens', 5]] as const) {
      Object.defineProperty(request, name, { enumerable: true, get: () => (reads.push(name), value) });
    }
    expect(canonicalRequest(request as ChatRequest)).toBe('{"max_tokens":5,"messages":[],"model":"m","temperature":0}');
    expect(reads).toEqual(['max_tokens', 'messages', 'model', 'temperature']);
  });
});
