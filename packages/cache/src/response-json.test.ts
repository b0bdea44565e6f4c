import { openai } from '@lifeline/adapters';
import { RESPONSE_JSON, createClient, type Middleware } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cache, memoryStore, type CacheStore } from './index.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A completion as a provider may write it: `\u00e9` escaped, where JSON.stringify writes é. */
const BODY = '{"id":"r1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\\u00e9"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}';

/** The base URL of a mock provider that answers every request with `body`, as given. */
async function server(body: string): Promise<string> {
  const mock = await startMockProvider({ apiKey: 'k', script: { raw: { body } } });
  closers.push(() => mock.close());
  return mock.url;
}

/** A memory store that records the JSON of every entry written. */
function recording(): { store: CacheStore; written: string[] } {
  const inner = memoryStore();
  const written: string[] = [];
  const store: CacheStore = {
    ...inner,
    setSerialized: (key, json, ttlMs) => {
      written.push(json);
      return inner.setSerialized(key, json, ttlMs);
    },
  };
  return { store, written };
}

async function run(metadata: Record<string | symbol, unknown>, inner: Middleware[] = []) {
  const adapter = openai({ baseURL: await server(BODY), apiKey: 'k' });
  closers.push(() => adapter.close());
  const { store, written } = recording();
  const client = createClient({ adapter, use: [cache({ store, ttlMs: 60_000 }), ...inner] });
  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
  const first = await client.chat(request, { metadata: metadata as Record<string, unknown> });
  const second = await client.chat(request, { metadata: metadata as Record<string, unknown> });
  return { first, second, written };
}

describe('cache: the answer text its adapter kept (RESPONSE_JSON)', () => {
  it('vouched: the entry holds the provider body as sent, and a hit answers the same value', async () => {
    const { first, second, written } = await run({ [RESPONSE_JSON]: true });
    expect([first.meta.cache, second.meta.cache]).toEqual(['miss', 'hit']);
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(`"response":${BODY},`);
    expect(JSON.parse(written[0]!).response).toEqual(first.response);
    expect(second.response).toEqual(first.response);
    expect(second.response.choices[0]!.message.content).toBe('café');
  });

  it('not vouched: the entry serialises the answer (no text asked for)', async () => {
    const { first, second, written } = await run({});
    expect([first.meta.cache, second.meta.cache]).toEqual(['miss', 'hit']);
    expect(written[0]).toContain(`"response":${JSON.stringify(first.response)},`);
    expect(written[0]).not.toContain('\\u00e9');
    expect(second.response).toEqual(first.response);
  });

  it('vouched, but a middleware inside the cache replaced the answer: its own JSON is written', async () => {
    const shout: Middleware = async function shout(ctx, next) {
      await next();
      const r = ctx.response!;
      ctx.response = { ...r, choices: r.choices.map((c) => ({ ...c, message: { ...c.message, content: String(c.message.content).toUpperCase() } })) };
    };
    const { first, second, written } = await run({ [RESPONSE_JSON]: true }, [shout]);
    expect(first.response.choices[0]!.message.content).toBe('CAFÉ');
    expect(written[0]).toContain(`"response":${JSON.stringify(first.response)},`);
    expect(second.meta.cache).toBe('hit');
    expect(second.response.choices[0]!.message.content).toBe('CAFÉ');
  });

  it('an answer stamped elsewhere, on a call that did not vouch: the answer is serialised', async () => {
    const adapter = openai({ baseURL: await server(BODY), apiKey: 'k' });
    closers.push(() => adapter.close());
    const other = createClient({ adapter });
    // Answers from another client, asked with the flag: the answer carries its text, but this call never vouched.
    const borrow: Middleware = async function borrow(ctx) {
      ctx.response = (await other.chat(ctx.request, { metadata: { [RESPONSE_JSON]: true } as Record<string, unknown> })).response;
    };
    const { store, written } = recording();
    const client = createClient({ adapter, use: [cache({ store, ttlMs: 60_000 }), borrow] });
    const { response } = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(`"response":${JSON.stringify(response)},`);
    expect(written[0]).not.toContain('\\u00e9');
  });
});
