import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, createClient, type Adapter, type ChatRequest } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { startServer, type TestServer } from '../../test/http-server.js';
import { openai } from '../openai/adapter.js';

const KEY = 'sk-mock-0123456789abcdefghij';
const REQ: ChatRequest = { model: 'gpt-mock', messages: [{ role: 'user', content: 'Say hello' }] };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Counts the `AbortController`s made while it is installed. */
function countControllers(): { readonly made: number } {
  const Original = globalThis.AbortController;
  const counter = { made: 0 };
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      counter.made++;
    }
  };
  cleanups.push(() => {
    globalThis.AbortController = Original;
  });
  return counter;
}

async function mockProvider(): Promise<MockProvider> {
  const mock = await startMockProvider({ flavor: 'openai', apiKey: KEY });
  cleanups.push(() => mock.close());
  return mock;
}

/** A server that takes requests and never answers; resolves each request's `close`. */
async function silentServer(): Promise<{ server: TestServer; received: Promise<void> }> {
  let arrived!: () => void;
  const received = new Promise<void>((r) => (arrived = r));
  const server = await startServer(() => arrived());
  cleanups.push(() => server.close());
  return { server, received };
}

describe('the adapter follows the call through its cancellation', () => {
  it('makes no AbortController for a chat and a stream nobody aborts', async () => {
    const mock = await mockProvider();
    const adapter = openai({ baseURL: mock.url, apiKey: KEY, name: 'p' });
    cleanups.push(() => adapter.close());
    const client = createClient({ adapter });
    const counter = countControllers();
    const { response } = await client.chat(REQ);
    expect(response.choices[0]!.message.content).toBeTruthy();
    let chunks = 0;
    for await (const chunk of client.stream(REQ)) if (chunk.choices.length > 0) chunks++;
    expect(chunks).toBeGreaterThan(0);
    expect(counter.made).toBe(0);
  });

  it("still aborts the request when the caller's signal aborts", async () => {
    const { server, received } = await silentServer();
    const adapter = openai({ baseURL: server.url, apiKey: KEY, name: 'p' });
    cleanups.push(() => adapter.close());
    const client = createClient({ adapter });
    const ac = new AbortController();
    const call = client.chat(REQ, { signal: ac.signal });
    await received;
    ac.abort();
    await expect(call).rejects.toThrow(AbortError);
    await expect(call).rejects.toThrow('The operation was aborted by the caller');
    await server.socketClosed(0);
    expect(server.open).toBe(0);
  });
});

describe('the adapter follows a signal that replaced the pipeline’s', () => {
  /** An adapter passing `inner` a call whose signal is `signal` (assigned, or in a spread copy). */
  function withSignal(inner: Adapter, signal: AbortSignal, how: 'assigned' | 'spread'): Adapter {
    return {
      name: inner.name,
      kind: inner.kind,
      chat(request, call) {
        if (how === 'spread') return inner.chat(request, { ...call, signal });
        call.signal = signal;
        return inner.chat(request, call);
      },
      stream: (request, call) => inner.stream(request, call),
    };
  }

  for (const how of ['assigned', 'spread'] as const) {
    it(`aborts the request when the ${how} signal aborts, the call's context still running`, async () => {
      const { server, received } = await silentServer();
      const inner = openai({ baseURL: server.url, apiKey: KEY, name: 'p' });
      cleanups.push(() => inner.close());
      const own = new AbortController();
      const client = createClient({ adapter: withSignal(inner, own.signal, how) });
      const call = client.chat(REQ);
      await received;
      own.abort(new Error('stopped by the wrapper'));
      await expect(call).rejects.toThrow(AbortError);
      await expect(call).rejects.toMatchObject({ cause: expect.objectContaining({ message: 'stopped by the wrapper' }) });
      await server.socketClosed(0);
    });
  }

  it("reading call.signal gives a signal that aborts with the caller's", async () => {
    const { server, received } = await silentServer();
    const inner = openai({ baseURL: server.url, apiKey: KEY, name: 'p' });
    cleanups.push(() => inner.close());
    let seen: AbortSignal | undefined;
    const adapter: Adapter = {
      name: 'p',
      kind: 'openai',
      chat(request, call) {
        seen = call.signal;
        return inner.chat(request, call);
      },
      stream: (request, call) => inner.stream(request, call),
    };
    const ac = new AbortController();
    const call = createClient({ adapter }).chat(REQ, { signal: ac.signal });
    await received;
    expect(seen?.aborted).toBe(false);
    ac.abort();
    await expect(call).rejects.toThrow('The operation was aborted by the caller');
    expect(seen?.aborted).toBe(true);
    await server.socketClosed(0);
  });
});
