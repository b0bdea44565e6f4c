/** Builds a client with the cache outside a fake meter, on a fake clock, over a fake adapter. */
import { abortReason, createClient, type ChatChunk, type ChatRequest, type LifelineClient, type Middleware } from '@lifeline/core';
import { type AdapterScript, fakeClock, type FakeClock, scriptedAdapter, type ScriptedAdapter } from '@lifeline/testing';
import { cache, type CacheMiddleware, type CacheOptions } from '../src/index.js';
import { fakeMeter } from './fake-meter.js';

export const TTL = 60_000;

export const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'What is the capital of France?' }] };

export interface Setup {
  clock: FakeClock;
  adapter: ScriptedAdapter;
  cache: CacheMiddleware;
  client: LifelineClient;
  meter: ReturnType<typeof fakeMeter>;
}

export function setup(options: { cache?: Partial<CacheOptions>; script?: AdapterScript; inner?: Middleware[] } = {}): Setup {
  const clock = fakeClock(1_000_000);
  const adapter = scriptedAdapter(options.script, { abortError: abortReason });
  const meter = fakeMeter();
  const c = cache({ ttlMs: TTL, ...options.cache });
  const client = createClient({ adapter, clock, use: [c, meter, ...(options.inner ?? [])] });
  return { clock, adapter, cache: c, client, meter };
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
