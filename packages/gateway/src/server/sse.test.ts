import type { ChatChunk } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { cacheControlOf } from './call.js';
import { shapeChunk } from './sse.js';

const content: ChatChunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }], usage: null };
const usage: ChatChunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };

describe('shapeChunk', () => {
  it('drops the usage chunk and usage fields unless the caller asked for usage', () => {
    expect(shapeChunk(usage, false)).toBeUndefined();
    expect(shapeChunk(content, false)).toEqual({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] });
    expect(shapeChunk({ ...content, usage: usage.usage }, false)).not.toHaveProperty('usage');
  });

  it('passes everything through with include_usage', () => {
    expect(shapeChunk(usage, true)).toBe(usage);
    expect(shapeChunk(content, true)).toBe(content);
  });
});

describe('cacheControlOf', () => {
  it('keeps the directives the cache understands and ignores the rest', () => {
    expect(cacheControlOf('no-cache')).toBe('no-cache');
    expect(cacheControlOf('private, max-age=60, no-transform')).toBe('max-age=60');
    expect(cacheControlOf(['no-store', 'public'])).toBe('no-store');
    expect(cacheControlOf('public')).toBeUndefined();
    expect(cacheControlOf(undefined)).toBeUndefined();
  });
});
