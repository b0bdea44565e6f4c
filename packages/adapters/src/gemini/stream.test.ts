import { ContentFilterError, RateLimitError, ResponseAssembler, ServerError, StreamInterruptedError, type ChatChunk } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, GeminiFrameSplitter } from './frames.js';
import { GeminiStreamTranslator } from './stream.js';

const NOW = 1_750_000_000_000;

function translator(extra: Partial<ConstructorParameters<typeof GeminiStreamTranslator>[0]> = {}): GeminiStreamTranslator {
  let n = 0;
  return new GeminiStreamTranslator({ provider: 'gemini', label: 'gemini', model: 'gemini-2.5-flash', newId: () => `call_${n++}`, nowMs: NOW, ...extra });
}

const ev = (parts: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ candidates: [{ content: { parts, role: 'model' }, index: 0, ...extra }], usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 }, modelVersion: 'gemini-2.5-flash-001', responseId: 'r1' });

const base = { id: 'r1', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'gemini-2.5-flash-001' };
const choice = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason }] });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('GeminiStreamTranslator', () => {
  it('translates incremental parts, finishes with tool_calls when a function was called, and emits the last usage', () => {
    const t = translator();
    const chunks: ChatChunk[] = [];
    chunks.push(...t.push(ev([{ text: 'Thinking…', thought: true }])));
    chunks.push(...t.push(ev([{ text: 'The' }])));
    chunks.push(...t.push(ev([{ text: ' end' }, { functionCall: { name: 'get', args: { q: 1 } } }])));
    chunks.push(
      ...t.push(
        JSON.stringify({
          candidates: [{ content: { parts: [{ functionCall: { id: 'fc_2', name: 'now', args: {} } }], role: 'model' }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 13 },
          modelVersion: 'gemini-2.5-flash-001',
        }),
      ),
    );
    chunks.push(...t.end());
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ reasoning_content: 'Thinking…' }),
      choice({ content: 'The' }),
      choice({ content: ' end' }),
      choice({ tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: 'get', arguments: '{"q":1}' } }] }),
      choice({ tool_calls: [{ index: 1, id: 'fc_2', type: 'function', function: { name: 'now', arguments: '{}' } }] }),
      choice({}, 'tool_calls'),
      {
        ...base,
        choices: [],
        usage: {
          prompt_tokens: 8,
          completion_tokens: 5,
          total_tokens: 13,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 3 },
          gemini: { promptTokenCount: 8, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 13 },
        },
      },
    ]);
    const asm = new ResponseAssembler();
    chunks.forEach((c) => asm.push(c));
    expect(asm.finish().choices[0]).toMatchObject({ message: { content: 'The end', reasoning_content: 'Thinking…' }, finish_reason: 'tool_calls' });
  });

  it('treats a body without any finishReason as a truncation', () => {
    const t = translator();
    t.push(ev([{ text: 'Hel' }]));
    const err = thrown(() => t.end());
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ message: 'gemini: stream ended without a finishReason', contentDelivered: true, retryable: true, requestId: 'r1' });
  });

  it('throws the mapped error for an error object in the stream', () => {
    const t = translator({ secrets: ['AIzaSyTHISISNOTAREALKEY000000000'] });
    t.push(ev([{ text: 'Hel' }]));
    const unavailable = thrown(() => t.push(JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })));
    expect(unavailable).toBeInstanceOf(ServerError);
    expect(unavailable).toMatchObject({ message: 'gemini: error in stream UNAVAILABLE — The model is overloaded.', status: 503, retryable: true, providerCode: 'UNAVAILABLE' });
    const limited = thrown(() =>
      translator().push(
        JSON.stringify({
          error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.8s' }] },
        }),
      ),
    );
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ retryAfterMs: 45_800, retryable: true });
  });

  it('throws ContentFilterError for a safety stop or a blocked prompt', () => {
    const t = translator();
    t.push(ev([{ text: 'Some' }]));
    const stop = thrown(() => t.push(ev([], { finishReason: 'SAFETY' })));
    expect(stop).toBeInstanceOf(ContentFilterError);
    expect((stop as Error).message).toBe('gemini: response blocked by Gemini (SAFETY)');
    const prompt = thrown(() => translator().push(JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' }, responseId: 'r2' })));
    expect(prompt).toBeInstanceOf(ContentFilterError);
    expect(prompt).toMatchObject({ message: 'gemini: prompt blocked by Gemini (SAFETY)', requestId: 'r2' });
  });

  it('throws StreamInterruptedError on unparsable data', () => {
    const err = thrown(() => translator().push('{"candidates":[{"content":{"parts":[{"text":"tru'));
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('gemini: stream received an unparsable event');
  });
});

describe('GeminiFrameSplitter', () => {
  it('splits on \\r\\n\\r\\n, \\n\\n and \\r\\r, across reads, skipping comments', () => {
    const frames = new GeminiFrameSplitter();
    // "\r\n\r" may be the start of "\r\n\r\n": the event stays buffered until the next read.
    expect(frames.feed(': keep-alive\r\n\r\ndata: {"a":1}\r\n\r')).toEqual([]);
    expect(frames.feed('\ndata: {"b"')).toEqual(['{"a":1}']);
    expect(frames.feed(':2}\n\ndata:{"c":3}\r\rdata: {"d":')).toEqual(['{"b":2}', '{"c":3}']);
    expect(frames.flush()).toEqual(['{"d":']);
  });

  it('passes an error object without data: framing through as a payload, pretty-printed or not', () => {
    const frames = new GeminiFrameSplitter();
    const error = '{\n  "error": {\n    "code": 429,\n    "status": "RESOURCE_EXHAUSTED"\n  }\n}\n';
    expect(frames.feed(`data: {"x":1}\r\n\r\n${error}`)).toEqual(['{"x":1}']);
    expect(frames.flush()).toEqual([error.trim()]);
  });

  it('bounds an unfinished event', () => {
    const frames = new GeminiFrameSplitter(10);
    expect(() => frames.feed('data: 0123456789')).toThrow(FrameTooLargeError);
  });
});
