import type { Adapter, AdapterCall, ChatChunk, ChatRequest, ChatResponse, Usage } from '@lifeline/core';
import { abortReason } from '@lifeline/core';

/** An in-process adapter (copied from core's tests, trimmed to what pricing needs). */
export interface FakeAdapterOptions {
  name?: string;
  text?: string;
  usage?: Usage | null;
  /** Stream chunks; default: the text in two words, then a usage chunk when `usage` is set. */
  chunks?: ChatChunk[];
  /** Called per attempt; may throw or return a custom response. */
  onCall?: (request: ChatRequest, call: AdapterCall, n: number) => ChatResponse | void | Promise<ChatResponse | void>;
  /** Throw this after k chunks of the stream. */
  failAfter?: { chunks: number; error: Error };
}

export function response(text: string, model: string, usage?: Usage | null): ChatResponse {
  const r: ChatResponse = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  };
  if (usage) r.usage = usage;
  return r;
}

export function chunk(delta: ChatChunk['choices'][number]['delta'], finish: string | null = null, model = 'm'): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

export function streamOf(text: string, model: string, usage?: Usage | null): ChatChunk[] {
  const words = text.split(/(?= )/);
  const out: ChatChunk[] = [chunk({ role: 'assistant', content: '' }, null, model)];
  for (const w of words) out.push(chunk({ content: w }, null, model));
  out.push(chunk({}, 'stop', model));
  if (usage) out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [], usage });
  return out;
}

export type FakeAdapter = Adapter & { calls: Array<{ request: ChatRequest; call: AdapterCall }> };

export function fakeAdapter(options: FakeAdapterOptions = {}): FakeAdapter {
  const calls: Array<{ request: ChatRequest; call: AdapterCall }> = [];
  const text = options.text ?? 'Hello world';
  return {
    name: options.name ?? 'fake',
    kind: 'fake',
    calls,
    async chat(request, call) {
      calls.push({ request, call });
      const r = await options.onCall?.(request, call, calls.length - 1);
      return r ?? response(text, request.model, options.usage);
    },
    async stream(request, call) {
      calls.push({ request, call });
      await options.onCall?.(request, call, calls.length - 1);
      const chunks = options.chunks ?? streamOf(text, request.model, options.usage);
      const failAfter = options.failAfter;
      return {
        async *[Symbol.asyncIterator]() {
          let i = 0;
          for (const c of chunks) {
            if (failAfter && i === failAfter.chunks) throw failAfter.error;
            if (call.signal.aborted) throw abortReason(call.signal);
            i++;
            yield c;
          }
          if (failAfter && i === failAfter.chunks) throw failAfter.error;
        },
      };
    },
  };
}
