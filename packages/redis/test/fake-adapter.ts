/**
 * Test helper: an in-process adapter that counts its calls, answers after an optional delay
 * (honouring the call's signal) or once a gate opens, or fails as scripted.
 * @module
 */
import type { Adapter, ChatChunk, ChatRequest, ChatResponse } from '@lifeline/core';

export interface FakeAdapter extends Adapter {
  calls: number;
}

export interface FakeAdapterOptions {
  name?: string;
  delayMs?: number;
  /** Called per call with its index (1-based); a returned error is thrown. */
  fail?: (n: number) => Error | undefined;
  /** Called per call with its index (1-based) as it starts; a returned promise holds the call until it resolves. */
  gate?: (n: number) => Promise<void> | undefined;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export function answer(request: ChatRequest, n: number, usage = { prompt_tokens: 10, completion_tokens: 5 }): ChatResponse {
  return {
    id: `chatcmpl-${n}`,
    object: 'chat.completion',
    created: 1,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content: `answer #${n}` }, finish_reason: 'stop', logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function fakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const adapter: FakeAdapter = {
    name: options.name ?? 'fake',
    kind: 'fake',
    calls: 0,
    async chat(request, call) {
      const n = ++adapter.calls;
      const gate = options.gate?.(n);
      if (gate) await gate;
      await wait(options.delayMs ?? 0, call.signal);
      const error = options.fail?.(n);
      if (error) throw error;
      return answer(request, n, options.usage);
    },
    async stream(request, call) {
      const response = await adapter.chat(request, call);
      const base = { id: response.id, object: 'chat.completion.chunk' as const, created: 1, model: request.model };
      const chunks: ChatChunk[] = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: response.choices[0]!.message.content as string }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      ];
      return (async function* () {
        yield* chunks;
      })();
    },
  };
  return adapter;
}
