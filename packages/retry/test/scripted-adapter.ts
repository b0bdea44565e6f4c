/**
 * An in-process adapter whose n-th call does what the script says: answer, throw an error before
 * any content, or stream some content and then fail.
 * @module
 */
import type { Adapter, AdapterCall, ChatChunk, ChatRequest, ChatResponse } from '@lifeline/core';

/** What one call does. */
export type ScriptStep =
  | 'ok'
  | Error
  | { error: Error; afterChunks: number }
  | { hang: true };

export function response(text = 'Hello', model = 'm'): ChatResponse {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };
}

export function chunk(content: string | undefined, finish: string | null = null): ChatChunk {
  const delta = content === undefined ? {} : { content };
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] };
}

const WORDS = ['Hello', ' world', '!'];

export interface ScriptedAdapter extends Adapter {
  /** Requests received, in order. */
  readonly calls: Array<{ request: ChatRequest; at: number }>;
}

/**
 * @param script - step per call; calls past its end answer `'ok'`
 * @param options - adapter name and a clock for `calls[].at`
 */
export function scriptedAdapter(script: readonly ScriptStep[], options: { name?: string; now?: () => number } = {}): ScriptedAdapter {
  const calls: Array<{ request: ChatRequest; at: number }> = [];
  const now = options.now ?? Date.now;
  const step = (request: ChatRequest): ScriptStep => {
    calls.push({ request, at: now() });
    return script[calls.length - 1] ?? 'ok';
  };
  const hang = (call: AdapterCall) =>
    new Promise<never>((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true }));
  return {
    name: options.name ?? 'primary',
    kind: 'scripted',
    calls,
    async chat(request, call) {
      const s = step(request);
      if (s === 'ok') return response('Hello', request.model);
      if (s instanceof Error) throw s;
      if ('hang' in s) return hang(call);
      throw s.error;
    },
    async stream(request, call) {
      const s = step(request);
      if (s instanceof Error) throw s;
      if (s !== 'ok' && 'hang' in s) return hang(call);
      const failAfter = s === 'ok' ? undefined : s.afterChunks;
      const error = s === 'ok' ? undefined : s.error;
      return (async function* () {
        yield { ...chunk(undefined), choices: [{ index: 0, delta: { role: 'assistant' as const }, finish_reason: null }] };
        for (let i = 0; i < WORDS.length; i++) {
          if (i === failAfter) throw error;
          yield chunk(WORDS[i]);
        }
        if (failAfter !== undefined && failAfter >= WORDS.length) throw error;
        yield chunk(undefined, 'stop');
      })();
    },
  };
}
