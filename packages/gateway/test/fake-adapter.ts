import type { Adapter, AdapterCall, ChatChunk, ChatRequest, ChatResponse } from '@lifeline/core';
import { abortReason } from '@lifeline/core';

/** An in-process adapter for core's own tests (core cannot depend on @lifeline/testing). */
export interface FakeAdapterOptions {
  name?: string;
  text?: string;
  chunks?: ChatChunk[];
  /** Called per attempt; may throw or return a custom response. */
  onCall?: (request: ChatRequest, call: AdapterCall, n: number) => ChatResponse | void | Promise<ChatResponse | void>;
  /** Delay each chunk by ms (real timers or fake timers). */
  chunkDelayMs?: number;
  /** Hang the stream (never yield) after k chunks. */
  stallAfter?: number;
  /** Ignore the abort signal (a misbehaving adapter). */
  ignoreAbort?: boolean;
}

export function textResponse(text: string, model = 'm'): ChatResponse {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

export function chunk(delta: ChatChunk['choices'][number]['delta'], finish: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

export function textChunks(words: string[], usage = true): ChatChunk[] {
  const out: ChatChunk[] = [chunk({ role: 'assistant', content: '' })];
  for (const w of words) out.push(chunk({ content: w }));
  out.push(chunk({}, 'stop'));
  if (usage) out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length } });
  return out;
}

function wait(ms: number, signal: AbortSignal, ignoreAbort: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    if (!ignoreAbort) signal.addEventListener('abort', () => { clearTimeout(t); reject(abortReason(signal)); }, { once: true });
  });
}

export function fakeAdapter(options: FakeAdapterOptions = {}): Adapter & { calls: Array<{ request: ChatRequest; call: AdapterCall }>; closed: number } {
  const calls: Array<{ request: ChatRequest; call: AdapterCall }> = [];
  const adapter = {
    name: options.name ?? 'fake',
    kind: 'fake',
    calls,
    closed: 0,
    async chat(request: ChatRequest, call: AdapterCall): Promise<ChatResponse> {
      calls.push({ request, call });
      const r = await options.onCall?.(request, call, calls.length - 1);
      return r ?? textResponse(options.text ?? 'Hello world', request.model);
    },
    async stream(request: ChatRequest, call: AdapterCall): Promise<AsyncIterable<ChatChunk>> {
      calls.push({ request, call });
      await options.onCall?.(request, call, calls.length - 1);
      const chunks = options.chunks ?? textChunks(['Hello', ' world']);
      const self = adapter;
      return {
        async *[Symbol.asyncIterator]() {
          try {
            let i = 0;
            for (const c of chunks) {
              if (options.stallAfter !== undefined && i >= options.stallAfter) {
                await new Promise<void>((_, reject) => {
                  if (!options.ignoreAbort) call.signal.addEventListener('abort', () => reject(abortReason(call.signal)), { once: true });
                });
              }
              if (options.chunkDelayMs) await wait(options.chunkDelayMs, call.signal, options.ignoreAbort ?? false);
              if (call.signal.aborted && !options.ignoreAbort) throw abortReason(call.signal);
              i++;
              yield c;
            }
          } finally {
            self.closed++;
          }
        },
      };
    },
  };
  return adapter;
}
