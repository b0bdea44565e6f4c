import type { Adapter, AdapterCall, ChatChunk, ChatRequest, ChatResponse, ResponseInfo, Usage } from '@lifeline/core';

/** An in-process adapter (after core's test adapter): records calls, reports headers, answers with usage. */
export interface FakeAdapterOptions {
  name?: string;
  usage?: Usage;
  /** Per call: may throw, wait, or return the response head to report (rate-limit headers). */
  onCall?: (request: ChatRequest, call: AdapterCall, n: number) => ResponseInfo | void | Promise<ResponseInfo | void>;
}

export type FakeAdapter = Adapter & { calls: Array<{ request: ChatRequest; call: AdapterCall }> };

const USAGE: Usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

export function fakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const calls: Array<{ request: ChatRequest; call: AdapterCall }> = [];
  const usage = options.usage ?? USAGE;
  const head = async (request: ChatRequest, call: AdapterCall) => {
    calls.push({ request, call });
    const info = await options.onCall?.(request, call, calls.length - 1);
    call.onResponse?.(info ?? { status: 200 });
  };
  return {
    name: options.name ?? 'fake',
    kind: 'fake',
    calls,
    async chat(request, call): Promise<ChatResponse> {
      await head(request, call);
      return { id: 'r', object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage };
    },
    async stream(request, call): Promise<AsyncIterable<ChatChunk>> {
      await head(request, call);
      const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: request.model };
      return (async function* () {
        yield { ...base, choices: [{ index: 0, delta: { role: 'assistant' as const, content: 'ok' }, finish_reason: null }] };
        yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
        yield { ...base, choices: [], usage };
      })();
    },
  };
}
