import { type ChatChunk, StreamInterruptedError } from '@lifeline/core';
import { chatChunk, textChunks } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { drain } from '../test/fake-adapter.js';
import { isMismatch, resumeAfter } from './regenerate.js';

/** An upstream stream that records whether it was released. */
function upstream(chunks: ChatChunk[]): AsyncIterable<ChatChunk> & { released: boolean; read: number } {
  const s = {
    released: false,
    read: 0,
    async *[Symbol.asyncIterator]() {
      try {
        for (const c of chunks) {
          s.read++;
          yield c;
        }
      } finally {
        s.released = true;
      }
    },
  };
  return s;
}

describe('resumeAfter()', () => {
  it('drops the delivered prefix and passes on only what follows it, with finish and usage', async () => {
    const { text, chunks, error } = await drain(resumeAfter(upstream(textChunks(['The ', 'qu', 'ick brown', ' fox'])), 'The quick', 'backup'));
    expect(error).toBeUndefined();
    expect(text).toBe(' brown fox');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? (c.usage ? 'usage' : c.choices[0]?.finish_reason))).toEqual([' brown', ' fox', 'stop', 'usage']);
  });

  it('a chunk that ends exactly at the delivered text is dropped; nothing delivered passes everything', async () => {
    expect((await drain(resumeAfter(upstream(textChunks(['The ', 'quick', ' fox'])), 'The quick', 'b'))).text).toBe(' fox');
    expect((await drain(resumeAfter(upstream(textChunks(['All', ' of it'])), '', 'b'))).chunks).toHaveLength(5);
  });

  it('an answer identical to the delivered text completes with its finish chunk', async () => {
    const { chunks, error } = await drain(resumeAfter(upstream(textChunks(['The ', 'end'])), 'The end', 'b'));
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? (c.usage ? 'usage' : 'content'))).toEqual(['stop', 'usage']);
  });

  it.each<[string, ChatChunk[], string, string]>([
    ['diverges inside the prefix', textChunks(['The ', 'slow', ' fox']), 'The quick brown', 'b regenerated a different answer: it does not start with the 15 characters already delivered (diverged at "The slow")'],
    ['diverges across the end of the prefix', textChunks(['The ', 'quack brown']), 'The quick', 'b regenerated a different answer: it does not start with the 9 characters already delivered (diverged at "The quack")'],
    ['ends before reaching it', textChunks(['The ']), 'The quick', 'b regenerated a different answer: it ended after 4 of the 9 characters already delivered'],
    ['calls a tool', [chatChunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] })], 'The quick', 'b regenerated a different answer: it calls a tool'],
    ['refuses', [chatChunk({ refusal: 'I cannot' })], 'The quick', 'b regenerated a different answer: it is a refusal'],
    ['has several choices', [{ ...chatChunk({ content: 'T' }), choices: [{ index: 0, delta: { content: 'T' }, finish_reason: null }, { index: 1, delta: { content: 'T' }, finish_reason: null }] }], 'The quick', 'b regenerated a different answer: it has several choices'],
  ])('an answer that %s is never spliced: StreamInterruptedError, nothing passed on, upstream released', async (_, chunks, delivered, message) => {
    const source = upstream([...chunks, chatChunk({ content: ' never read' })]);
    const { chunks: out, error } = await drain(resumeAfter(source, delivered, 'b'));
    expect(out).toEqual([]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toBe(message);
    expect(error).toMatchObject({ provider: 'b', retryable: false, contentDelivered: false });
    expect(isMismatch(error)).toBe(true);
    expect(source.released).toBe(true);
  });

  it('an upstream failure passes through as is (not a mismatch)', async () => {
    const boom = new StreamInterruptedError('cut');
    async function* failing(): AsyncGenerator<ChatChunk> {
      yield chatChunk({ content: 'The' });
      throw boom;
    }
    const { error } = await drain(resumeAfter(failing(), 'The quick', 'b'));
    expect(error).toBe(boom);
    expect(isMismatch(boom)).toBe(false);
  });
});
