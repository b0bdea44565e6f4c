/**
 * What the adapters' stream readers (hand-written iterators, not async generators) do that a
 * generator did implicitly: `return()` and `throw()` mid-stream release the socket, a consumer that
 * stops early frees it, an abort before the first read frees it; chunks already read are taken
 * without waiting (`take()`), and reading through `take()` gives the same chunks as `next()`.
 * Each vendor over the mock provider with one connection: a socket not released would make the
 * next call wait forever.
 */
import type { AdapterCall, ChatChunk, ChatRequest, TakeableIterator } from '@lifeline/core';
import { startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropic } from './anthropic/index.js';
import { gemini } from './gemini/index.js';
import { openai } from './openai/index.js';
import type { KeyedAdapter } from './keys/index.js';

let mock: MockProvider | undefined;
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  await mock?.close();
  mock = undefined;
});

const request: ChatRequest = { model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] };
const call = (signal = new AbortController().signal): AdapterCall => ({ signal, metadata: {} });
const vendors = ['anthropic', 'gemini', 'openai'] as const;
type Vendor = (typeof vendors)[number];

async function setup(vendor: Vendor, script: MockProviderOptions['script'], apiKey: string | string[] = 'test-key') {
  mock = await startMockProvider({ flavor: vendor, apiKey: false, script });
  const options = { apiKey, baseURL: mock.url, connections: 1 };
  const adapter = (vendor === 'anthropic' ? anthropic(options) : vendor === 'gemini' ? gemini(options) : openai(options)) as KeyedAdapter;
  closers.push(async () => adapter.close?.());
  return adapter;
}

/** The next call goes through: the one socket was released. */
async function nextCallGoesThrough(adapter: KeyedAdapter): Promise<void> {
  const response = await adapter.chat(request, call());
  expect(response.choices[0]!.message.content).toBe('Hello from the mock provider.');
}

async function iterate(adapter: KeyedAdapter, c = call()): Promise<AsyncIterator<ChatChunk>> {
  return (await adapter.stream!(request, c))[Symbol.asyncIterator]();
}

describe.each(vendors)('%s() stream reader', { timeout: 5_000 }, (vendor) => {
  it('return() mid-stream ends the iteration and releases the socket', async () => {
    const adapter = await setup(vendor, [{ stream: { stallAfter: 1 } }, 'ok']);
    const it = await iterate(adapter);
    expect((await it.next()).value.choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect((await it.next()).value.choices[0].delta.content).toBe('Hello');
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await nextCallGoesThrough(adapter);
  });

  it('throw() mid-stream raises its error, ends the iteration and releases the socket', async () => {
    const adapter = await setup(vendor, [{ stream: { stallAfter: 1 } }, 'ok']);
    const it = await iterate(adapter);
    await it.next();
    const boom = new Error('consumer gave up');
    await expect(it.throw!(boom)).rejects.toBe(boom);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await nextCallGoesThrough(adapter);
  });

  it('a consumer that stops early frees the socket', async () => {
    const adapter = await setup(vendor, [{ stream: { stallAfter: 2 } }, 'ok']);
    let text = '';
    for await (const chunk of await adapter.stream!(request, call())) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'Hello') break;
    }
    expect(text).toBe('Hello');
    await nextCallGoesThrough(adapter);
  });

  it('an abort before the first read rejects the first next() and frees the socket', async () => {
    const adapter = await setup(vendor, [{ stream: { stallAfter: 0 } }, 'ok']);
    const controller = new AbortController();
    const it = await iterate(adapter, call(controller.signal));
    controller.abort();
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
    await nextCallGoesThrough(adapter);
  });

  it('return() before the first read releases the socket, with a key pool too', async () => {
    for (const apiKey of ['test-key', ['key-a', 'key-b']]) {
      const adapter = await setup(vendor, [{ stream: { stallAfter: 0 } }, 'ok'], apiKey);
      await (await iterate(adapter)).return!();
      await nextCallGoesThrough(adapter);
      await adapter.close?.();
      await mock!.close();
    }
  });

  it('hands out the chunks already read with take() (none before the first next()), the same chunks as next()', async () => {
    const adapter = await setup(vendor, ['ok', 'ok']);
    const expected: ChatChunk[] = [];
    for await (const chunk of await adapter.stream!(request, call())) expected.push(chunk);
    const it = (await iterate(adapter)) as TakeableIterator<ChatChunk>;
    expect(it.take?.()).toBeUndefined();
    const got: ChatChunk[] = [];
    let taken = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      got.push(r.value);
      for (let t = it.take!(); t; t = it.take!()) {
        got.push(t.value);
        taken++;
      }
    }
    // The mock sends a short answer in one write: all but the first chunk are taken without a promise.
    expect(taken).toBeGreaterThan(0);
    const shape = (c: ChatChunk) => [c.choices[0]?.delta, c.choices[0]?.finish_reason, c.usage];
    expect(got.map(shape)).toEqual(expected.map(shape));
  });
});
