/**
 * In-process adapters for the unit tests (the real-socket suite uses `startMockProvider`), built on
 * `@lifeline/testing`'s `scriptedAdapter`. Delays use the global `setTimeout`, so
 * `vi.useFakeTimers()` drives them; every wait honours the abort signal.
 */
import { abortReason, type ChatChunk, type ChatRequest } from '@lifeline/core';
import { type AdapterScript, type ScriptedAdapter, scriptedAdapter } from '@lifeline/testing';

export interface FakeOptions {
  name?: string;
  prefill?: boolean;
  /** What each call gets: one step for every call, a step per call, or `(request, call, n) => step`. */
  script?: AdapterScript;
}

/**
 * A scripted adapter as failover's tests expect it: a `prefill` capability, 10 prompt tokens,
 * a 200 response head reported, chunk ids `chunk-1`, and core's abort errors.
 */
export function fake(options: FakeOptions = {}): ScriptedAdapter {
  return scriptedAdapter(options.script ?? 'ok', {
    name: options.name ?? 'fake',
    capabilities: { prefill: options.prefill ?? false },
    id: 'chunk-1',
    promptTokens: 10,
    responseInfo: { status: 200 },
    abortError: abortReason,
  });
}

/** Reads a stream to its end: the text, the chunks, and the error that ended it (if any). */
export async function drain(stream: AsyncIterable<ChatChunk>): Promise<{ text: string; chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  let text = '';
  try {
    for await (const c of stream) {
      chunks.push(c);
      text += c.choices[0]?.delta.content ?? '';
    }
    return { text, chunks };
  } catch (error) {
    return { text, chunks, error };
  }
}

export const request = (model = 'gpt-4.1'): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Hi' }] });
