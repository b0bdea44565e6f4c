import { describe, expect, it } from 'vitest';
import { chunk } from '../test/fake-adapter.js';
import { CHUNK_JSON, chunkJsonOf, setChunkJson, wantsChunkJson } from './chunk-json.js';

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
