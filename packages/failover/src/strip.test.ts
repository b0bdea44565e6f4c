import type { ChatChunk } from '@lifeline/core';
import { chatChunk as chunk } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { stripLeadingSpace } from './mid-stream.js';

const text = (c: ChatChunk) => c.choices.map((ch) => ch.delta.content);

describe('stripLeadingSpace()', () => {
  it('drops only the leading whitespace of the first text, and stops once text is left', () => {
    const [out, more] = stripLeadingSpace(chunk({ content: ' \n  so it goes  on' }));
    expect(text(out)).toEqual(['so it goes  on']);
    expect(more).toBe(false);
  });

  it('keeps stripping after a chunk with no text, an empty text or only whitespace', () => {
    for (const c of [chunk({ role: 'assistant' }), chunk({ content: '' }), { ...chunk({}), choices: [] }, { ...chunk({}), choices: undefined } as unknown as ChatChunk]) {
      const [out, more] = stripLeadingSpace(c);
      expect(out).toBe(c);
      expect(more).toBe(true);
    }
    const [blank, more] = stripLeadingSpace(chunk({ content: ' \t ' }));
    expect(text(blank)).toEqual(['']);
    expect(more).toBe(true);
  });

  it('leaves the other choices and fields alone', () => {
    const c: ChatChunk = { ...chunk({ content: ' a' }), choices: [{ index: 0, delta: { role: 'assistant', content: ' a' }, finish_reason: null }, { index: 1, delta: { content: ' b' }, finish_reason: null }] };
    const [out] = stripLeadingSpace(c);
    expect(out).toEqual({ ...c, choices: [{ index: 0, delta: { role: 'assistant', content: 'a' }, finish_reason: null }, { index: 1, delta: { content: ' b' }, finish_reason: null }] });
  });
});
