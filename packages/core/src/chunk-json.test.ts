import { describe, expect, it } from 'vitest';
import { chunk } from '../test/fake-adapter.js';
import { CHUNK_JSON, RESPONSE_JSON, chunkJsonOf, responseJsonOf, setChunkJson, setResponseJson, wantsChunkJson, wantsResponseJson } from './chunk-json.js';
import type { ChatResponse } from './types.js';

describe('chunk JSON text', () => {
  it('belongs to the very object it was set on: a copy has none', () => {
    const c = chunk({ content: 'café' });
    const text = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"caf\\u00e9"},"finish_reason":null}]}';
    expect(chunkJsonOf(c)).toBeUndefined();
    setChunkJson(c, text);
    expect(chunkJsonOf(c)).toBe(text);
    expect(chunkJsonOf({ ...c })).toBeUndefined();
    expect(chunkJsonOf(structuredClone(c))).toBeUndefined();
    setChunkJson(c, '{"replaced":true}');
    expect(chunkJsonOf(c)).toBe('{"replaced":true}');
  });

  it('is invisible: not in JSON, keys, symbols, nor deep equality', () => {
    const c = chunk({ content: 'x' });
    const before = JSON.stringify(c);
    setChunkJson(c, '{"other":1}');
    expect(JSON.stringify(c)).toBe(before);
    expect(Object.getOwnPropertySymbols(c)).toEqual([]);
    expect(Object.keys(c)).toEqual(Object.keys(chunk({ content: 'x' })));
    expect(c).toEqual(chunk({ content: 'x' }));
  });

  it('is asked for by the CHUNK_JSON metadata key set to true', () => {
    expect(wantsChunkJson({ [CHUNK_JSON]: true } as Record<string, unknown>)).toBe(true);
    expect(wantsChunkJson({ [CHUNK_JSON]: 'yes' } as Record<string, unknown>)).toBe(false);
    expect(wantsChunkJson({})).toBe(false);
    expect(wantsChunkJson(undefined)).toBe(false);
    expect(CHUNK_JSON).toBe(Symbol.for('lifeline.chunkJson'));
  });
});

describe('answer JSON text', () => {
  const answer = (): ChatResponse => ({ id: 'r', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'café' }, finish_reason: 'stop' }] });
  const text = '{"id":"r","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\\u00e9"},"finish_reason":"stop"}]}';

  it('belongs to the very object it was set on (a copy has none) and is invisible to serialisation', () => {
    const r = answer();
    expect(responseJsonOf(r)).toBeUndefined();
    setResponseJson(r, text);
    expect(responseJsonOf(r)).toBe(text);
    expect(responseJsonOf({ ...r })).toBeUndefined();
    expect(responseJsonOf(structuredClone(r))).toBeUndefined();
    expect(JSON.stringify(r)).toBe(JSON.stringify(answer()));
    expect(r).toStrictEqual(answer());
  });

  it('is asked for by the RESPONSE_JSON metadata key set to true, apart from CHUNK_JSON', () => {
    expect(RESPONSE_JSON).toBe(Symbol.for('lifeline.responseJson'));
    expect(wantsResponseJson({ [RESPONSE_JSON]: true })).toBe(true);
    expect(wantsResponseJson({ [RESPONSE_JSON]: 'yes' })).toBe(false);
    expect(wantsResponseJson({ [CHUNK_JSON]: true })).toBe(false);
    expect(wantsResponseJson(undefined)).toBe(false);
  });
});
