import { describe, expect, it } from 'vitest';
import { setChunkJson } from '@lifeline/core';
import { textChunks } from '@lifeline/testing';
import type { ChunksEntry, ResponseEntry } from './entry.js';
import { type EntryTail, pendingChunks, pendingResponse } from './pending.js';
import { Recording } from './replay.js';
import { textResponse, toolCallChunks } from '../test/fixtures.js';

const tails: EntryTail[] = [
  { createdAt: 1_000, expiresAt: 61_000, staleUntil: 61_000 },
  { createdAt: 1_000, expiresAt: 61_000, staleUntil: 121_000, provider: 'openai', model: 'gpt-4.1', costUsd: 0.00012 },
  // Epoch times past 2^31, a model only, text that needs escaping, a tiny cost, a time past 2^53.
  { createdAt: 1_765_000_000_123, expiresAt: 1_765_000_600_123, staleUntil: 1_765_086_400_123, model: 'm"\\\n\u2028é' },
  { createdAt: 0, expiresAt: 0.5, staleUntil: 9_007_199_254_740_993, provider: '', costUsd: 1e-21 },
  { createdAt: 1, expiresAt: 2, staleUntil: 3, provider: 'p', costUsd: 0 },
];

describe('pendingResponse', () => {
  it.each(tails)('writes exactly JSON.stringify of the entry (%j)', (tail) => {
    const response = textResponse('Hello');
    const pending = pendingResponse(response, tail);
    const entry: ResponseEntry = { v: 1, kind: 'response', response, ...tail };
    expect(pending.json()).toBe(JSON.stringify(entry));
    expect(pending.entry()).toEqual(entry);
  });

  it('serialises a response with its own toJSON exactly as JSON.stringify of the entry does', () => {
    const response = Object.assign(textResponse('Hello'), { toJSON: (key: string) => ({ ...textResponse(`as ${key}`), toJSON: undefined }) });
    const pending = pendingResponse(response, tails[1]!);
    expect(pending.json()).toBe(JSON.stringify({ v: 1, kind: 'response', response, ...tails[1]! }));
    expect(pending.json()).toContain('"content":"as response"');
  });

  it('captures the answer at the first json() call: later edits to the response do not reach it', () => {
    const response = textResponse('original');
    const pending = pendingResponse(response, tails[0]!);
    const json = pending.json();
    response.choices[0]!.message.content = 'edited';
    expect(pending.json()).toBe(json);
    expect(json).toContain('"content":"original"');
  });

  it('hands a store without setSerialized the caller objects themselves (the store copies them)', () => {
    const response = textResponse('Hello');
    const entry = pendingResponse(response, tails[0]!).entry() as ResponseEntry;
    expect(entry.response).toBe(response);
  });

  it('throws what JSON.stringify throws for an answer JSON cannot carry', () => {
    const response = { ...textResponse('Hello'), extra: 1n };
    expect(() => pendingResponse(response, tails[0]!).json()).toThrow(TypeError);
  });
});

describe('pendingChunks', () => {
  function record(chunks: ReturnType<typeof textChunks>): Recording {
    const recording = new Recording();
    for (const c of chunks) recording.push(c);
    return recording;
  }

  it.each(tails)('splices the captured chunk JSON into exactly JSON.stringify of the entry (%j)', (tail) => {
    const chunks = toolCallChunks();
    const pending = pendingChunks(record(chunks), tail);
    const entry: ChunksEntry = { v: 1, kind: 'chunks', chunks, ...tail };
    expect(pending.json()).toBe(JSON.stringify(entry));
    expect(pending.entry()).toEqual(entry);
    expect(pending.entry()).not.toBe(pending.entry()); // a fresh object for each store that asks
  });

  it('keeps what each chunk was when it passed, whatever the consumer does to it afterwards', () => {
    const chunks = textChunks(['Paris']);
    const recording = record(chunks);
    chunks[1]!.choices[0]!.delta.content = 'London';
    const entry = pendingChunks(recording, tails[0]!).entry() as ChunksEntry;
    expect(entry.chunks[1]!.choices[0]!.delta.content).toBe('Paris');
  });
});

describe('Recording', () => {
  it('notes the first model and the finish reason of each choice as chunks pass', () => {
    const chunks = textChunks(['a', 'b'], { model: 'gpt-4.1' });
    const recording = new Recording();
    recording.push(chunks[0]!);
    expect(recording.model).toBe('gpt-4.1');
    expect(recording.finishes()).toEqual([null]);
    for (const c of chunks.slice(1)) recording.push(c);
    expect(recording.finishes()).toEqual(['stop']);
    expect(recording.parts).toHaveLength(chunks.length);
    expect(JSON.parse(recording.json())).toEqual(chunks);
  });

  it('reports no choices for a stream that carried none', () => {
    expect(new Recording().finishes()).toEqual([]);
  });

  it("records a chunk's provider text when its adapter kept it, and serialises any other chunk", () => {
    const [role, content, finish] = textChunks(['café']);
    const text = JSON.stringify(content).replace('é', '\\u00e9');
    setChunkJson(content!, text);
    const recording = new Recording();
    recording.push(role!);
    recording.push(content!);
    recording.push({ ...finish!, choices: finish!.choices });
    const copy = { ...content! };
    recording.push(copy);
    expect(recording.parts).toEqual([JSON.stringify(role), text, JSON.stringify(finish), JSON.stringify(copy)]);
    expect(recording.parts[1]).toContain('caf\\u00e9');
    expect(JSON.parse(recording.json())[1]).toEqual(content);
  });
});
