/** Builds a client with the cache outside a fake meter, on a fake clock, over a fake adapter. */
import { createClient, type ChatChunk, type ChatRequest, type LifelineClient, type Middleware } from '@lifeline/core';
import { cache, type CacheMiddleware, type CacheOptions } from '../src/index.js';
import { fakeAdapter, type FakeAdapter, type FakeAdapterOptions } from './fake-adapter.js';
import { fakeClock, type FakeClock } from './fake-clock.js';
import { fakeMeter } from './fake-meter.js';

export const TTL = 60_000;

export const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'What is the capital of France?' }] };

export interface Setup {
  clock: FakeClock;
  adapter: FakeAdapter;
  cache: CacheMiddleware;
  client: LifelineClient;
  meter: ReturnType<typeof fakeMeter>;
}

export function setup(options: { cache?: Partial<CacheOptions>; adapter?: FakeAdapterOptions; inner?: Middleware[] } = {}): Setup {
  const clock = fakeClock();
  const adapter = fakeAdapter(options.adapter);
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

/** Lets pending promise callbacks run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
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
