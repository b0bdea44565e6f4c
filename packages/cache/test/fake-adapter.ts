/** In-process adapter and helpers for the cache tests (copied and extended from core's test helpers). */
import { abortReason, type Adapter, type AdapterCall, type ChatChunk, type ChatRequest, type ChatResponse, type Usage } from '@lifeline/core';

export function textResponse(text: string, model = 'm', finish: string = 'stop'): ChatResponse {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

export function chunk(delta: ChatChunk['choices'][number]['delta'], finish: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

export function usageChunk(usage: Usage): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage };
}

export function textChunks(words: string[], finish: string | null = 'stop', usage = true): ChatChunk[] {
  const out: ChatChunk[] = [chunk({ role: 'assistant', content: '' })];
  for (const w of words) out.push(chunk({ content: w }));
  if (finish !== null) out.push(chunk({}, finish));
  if (usage) out.push(usageChunk({ prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length }));
  return out;
}

/** A streamed answer with two parallel tool calls split across deltas. */
export function toolCallChunks(): ChatChunk[] {
  return [
    chunk({ role: 'assistant', content: null }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
    usageChunk({ prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 }),
  ];
}

export interface FakeAdapterOptions {
  name?: string;
  /** Per call (n from 0): may throw, return a response for chat(), or return nothing (default answer). */
  onCall?: (request: ChatRequest, call: AdapterCall, n: number) => ChatResponse | void | Promise<ChatResponse | void>;
  /** The chunks stream() yields, per call. */
  chunks?: ChatChunk[] | ((n: number) => ChatChunk[]);
  /** stream(): throw this error after yielding `after` chunks. */
  breakStream?: { after: number; error: unknown } | ((n: number) => { after: number; error: unknown } | undefined);
  /** stream(): wait for this promise before each chunk with index >= `at`. */
  holdStream?: { at: number; until: () => Promise<void> };
}

export type FakeAdapter = Adapter & { calls: Array<{ request: ChatRequest; call: AdapterCall }>; closed: number };

export function fakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const calls: Array<{ request: ChatRequest; call: AdapterCall }> = [];
  const adapter: FakeAdapter = {
    name: options.name ?? 'fake',
    kind: 'fake',
    calls,
    closed: 0,
    async chat(request, call) {
      calls.push({ request, call });
      const r = await options.onCall?.(request, call, calls.length - 1);
      return r ?? textResponse('Hello world', request.model);
    },
    async stream(request, call) {
      const n = calls.length;
      calls.push({ request, call });
      await options.onCall?.(request, call, n);
      const chunks = typeof options.chunks === 'function' ? options.chunks(n) : (options.chunks ?? textChunks(['Hello', ' world']));
      const cut = typeof options.breakStream === 'function' ? options.breakStream(n) : options.breakStream;
      return {
        async *[Symbol.asyncIterator]() {
          try {
            for (let i = 0; i < chunks.length; i++) {
              if (options.holdStream && i >= options.holdStream.at) await options.holdStream.until();
              if (call.signal.aborted) throw abortReason(call.signal);
              if (cut && i === cut.after) throw cut.error;
              yield chunks[i]!;
            }
          } finally {
            adapter.closed++;
          }
        },
      };
    },
  };
  return adapter;
}
