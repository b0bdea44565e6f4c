/**
 * In-process adapters for the unit tests (the real-socket suite uses `@lifeline/testing`).
 * Delays use `setTimeout`, so `vi.useFakeTimers()` drives them; every wait honours the abort signal.
 */
import { type Adapter, type AdapterCall, type ChatChunk, type ChatRequest, type ChatResponse, type Usage, abortReason } from '@lifeline/core';

/** What one call gets. */
export interface Behaviour {
  /** Throw this when the call starts (after `delayMs`). */
  error?: unknown;
  /** Wait before answering (before the response head, for streams). */
  delayMs?: number;
  /** Never answer (until aborted). */
  hang?: boolean;
  /** Answer text, streamed one word per chunk. @defaultValue 'Hello world' */
  text?: string;
  /** Streams: the content chunks exactly (overrides the word split of `text`). */
  pieces?: string[];
  /** Streams: delay before the first content chunk. */
  firstTokenMs?: number;
  /** Streams: delay before every later content chunk. */
  chunkDelayMs?: number;
  /** Streams: after this many content chunks, throw `breakWith`. */
  breakAfter?: number;
  breakWith?: unknown;
  /** Streams: after this many content chunks, go silent until aborted. */
  stallAfter?: number;
  /** Reported usage. @defaultValue prompt 10, completion = words */
  usage?: Usage;
  /** Model reported in the answer. @defaultValue the requested model */
  model?: string;
}

export interface FakeAdapter extends Adapter {
  calls: Array<{ request: ChatRequest; call: AdapterCall; at: number }>;
}

export interface FakeOptions {
  name?: string;
  prefill?: boolean;
  /** Behaviour of the n-th call (0-based); a single behaviour applies to every call. */
  script?: Behaviour | ((request: ChatRequest, n: number) => Behaviour);
}

export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const hangUntilAborted = (signal: AbortSignal) => new Promise<never>((_, reject) => {
  if (signal.aborted) return reject(abortReason(signal));
  signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
});

export function words(text: string): string[] {
  return text.split(/(?=\s)/);
}

export function chunkOf(model: string, delta: ChatChunk['choices'][number]['delta'], finish: string | null = null): ChatChunk {
  return { id: 'chunk-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

export function fake(options: FakeOptions = {}): FakeAdapter {
  const calls: FakeAdapter['calls'] = [];
  const behaviour = (request: ChatRequest): Behaviour => {
    const s = options.script ?? {};
    return typeof s === 'function' ? s(request, calls.length - 1) : s;
  };
  const open = async (request: ChatRequest, call: AdapterCall): Promise<Behaviour> => {
    calls.push({ request, call, at: Date.now() });
    const b = behaviour(request);
    if (b.delayMs) await wait(b.delayMs, call.signal);
    if (b.hang) await hangUntilAborted(call.signal);
    if (b.error !== undefined) throw b.error;
    call.onResponse?.({ status: 200 });
    return b;
  };
  const usageOf = (b: Behaviour, text: string): Usage => b.usage ?? { prompt_tokens: 10, completion_tokens: words(text).length, total_tokens: 10 + words(text).length };
  return {
    name: options.name ?? 'fake',
    kind: 'fake',
    capabilities: { prefill: options.prefill ?? false },
    calls,
    async chat(request, call): Promise<ChatResponse> {
      const b = await open(request, call);
      const text = b.text ?? 'Hello world';
      return {
        id: 'resp-1',
        object: 'chat.completion',
        created: 1,
        model: b.model ?? request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: usageOf(b, text),
      };
    },
    async stream(request, call): Promise<AsyncIterable<ChatChunk>> {
      const b = await open(request, call);
      const text = b.pieces?.join('') ?? b.text ?? 'Hello world';
      const model = b.model ?? request.model;
      const signal = call.signal;
      return (async function* () {
        yield chunkOf(model, { role: 'assistant', content: '' });
        let n = 0;
        for (const w of b.pieces ?? words(text)) {
          if (n === b.breakAfter) throw b.breakWith;
          if (n === b.stallAfter) await hangUntilAborted(signal);
          const ms = n === 0 ? b.firstTokenMs : b.chunkDelayMs;
          if (ms) await wait(ms, signal);
          if (signal.aborted) throw abortReason(signal);
          n++;
          yield chunkOf(model, { content: w });
        }
        yield chunkOf(model, {}, 'stop');
        yield { ...chunkOf(model, {}), choices: [], usage: usageOf(b, text) };
      })();
    },
  };
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
