import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Adapter, type ChatRequest } from '@lifeline/core';
import { fakeClock, startMockProvider, type MockProvider } from '@lifeline/testing';
import { anthropic } from '../anthropic/index.js';
import { gemini } from '../gemini/index.js';
import { openai } from '../openai/index.js';
import { keyFingerprint } from './fingerprint.js';

const KEYS = ['vendor-pool-key-one-0123456789', 'vendor-pool-key-two-0123456789', 'vendor-pool-key-three-012345678'];
const FP = KEYS.map(keyFingerprint);

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function mockOf(options: Parameters<typeof startMockProvider>[0]): Promise<MockProvider> {
  const mock = await startMockProvider(options);
  closers.push(() => mock.close());
  return mock;
}

function track<A extends Adapter>(adapter: A): A {
  closers.push(() => adapter.close?.() ?? Promise.resolve());
  return adapter;
}

describe('key pools of the Anthropic and Gemini adapters', () => {
  it('anthropic: x-api-key per attempt; a 429 is re-sent with the next key, streams included', async () => {
    const mock = await mockOf({ flavor: 'anthropic', apiKey: KEYS, keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 12 } } });
    const claude = track(anthropic({ baseURL: mock.url, apiKey: KEYS, defaultMaxTokens: 64 }));
    const client = createClient({ adapter: claude });
    const req: ChatRequest = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] };
    const { meta } = await client.chat(req);
    expect(meta.attemptLog[0]).toMatchObject({ key: FP[1], keysTried: [{ key: FP[0], status: 429 }] });
    const stream = client.stream(req);
    for await (const _ of stream);
    expect((await stream.result).meta.attemptLog[0]!.key).toBe(FP[2]);
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1, 2]);
    expect((await claude.keyPool!.snapshot()).keys[0]).toMatchObject({ state: 'cooling', retryAfterMs: expect.any(Number) });
  });

  it('gemini: x-goog-api-key per attempt; an invalid key (400 API_KEY_INVALID) is quarantined', async () => {
    const mock = await mockOf({ flavor: 'gemini', apiKey: [KEYS[0]!, KEYS[2]!] });
    const google = track(gemini({ baseURL: mock.url, apiKey: KEYS }));
    const client = createClient({ adapter: google });
    const req: ChatRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };
    await client.chat(req);
    const { meta } = await client.chat(req);
    expect(meta.attemptLog[0]).toMatchObject({ key: FP[2], keysTried: [{ key: FP[1], status: 400 }] });
    const stream = client.stream(req);
    for await (const _ of stream);
    expect((await stream.result).meta.attemptLog[0]!.key).toBe(FP[0]);
    expect((await google.keyPool!.snapshot()).keys[1]).toMatchObject({ key: FP[1], state: 'quarantined', reason: 'auth', status: 400 });
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, undefined, 1, 0]);
  });
});

describe('embeddings through a key pool', () => {
  it.each(['openai', 'gemini'] as const)('%s: a 429 on key 1 is re-sent with key 2; reported tokens count against the key', async (flavor) => {
    const mock = await mockOf({ flavor, apiKey: KEYS, keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 20 }] } });
    const adapter = track(flavor === 'openai' ? openai({ baseURL: mock.url, apiKey: KEYS }) : gemini({ baseURL: mock.url, apiKey: KEYS }));
    const { response, meta } = await createClient({ adapter }).embed({ model: flavor === 'openai' ? 'text-embedding-3-small' : 'gemini-embedding-001', input: ['alpha', 'beta'] });
    expect(response.data).toHaveLength(2);
    expect(meta.attemptLog[0]).toMatchObject({ key: FP[1], keysTried: [{ key: FP[0], status: 429 }] });
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1]);
    const keys = (await adapter.keyPool!.snapshot()).keys;
    expect(keys[0]).toMatchObject({ state: 'cooling', requests: 1, tokens: 0 });
    // OpenAI reports the tokens; Gemini's embedding API does not (its usage is an estimate): nothing to count.
    expect(keys[1]!.tokens).toBe(flavor === 'openai' ? response.usage.total_tokens : 0);
  });
});

describe('choosing a key', () => {
  it('least-used sends each attempt with the key that used the smallest part of its share over the window', async () => {
    const clock = fakeClock(Date.now());
    const mock = await mockOf({ apiKey: KEYS });
    const specs = [{ key: KEYS[0]!, rpm: 100 }, { key: KEYS[1]!, rpm: 300 }, { key: KEYS[2]!, rpm: 100 }];
    const adapter = track(openai({ baseURL: mock.url, apiKey: specs, keyPool: { strategy: 'least-used', clock } }));
    const client = createClient({ adapter });
    for (let i = 0; i < 10; i++) await client.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    const count = (i: number) => mock.requests.filter((r) => r.keyIndex === i).length;
    expect([count(0), count(1), count(2)]).toEqual([2, 6, 2]);
    expect(adapter.keyPool!.limits()).toEqual({ rpm: 500 });
    expect((await adapter.keyPool!.snapshot()).keys.map((k) => [k.requests, k.rpm])).toEqual([[2, 100], [6, 300], [2, 100]]);
    clock.advance(60_000);
    expect((await adapter.keyPool!.snapshot()).keys.map((k) => k.requests)).toEqual([0, 0, 0]);
  });

  it('a key that used its whole rpm share is passed over while another is under its share', async () => {
    const mock = await mockOf({ apiKey: KEYS.slice(0, 2) });
    const adapter = track(openai({ baseURL: mock.url, apiKey: [{ key: KEYS[0]!, rpm: 2 }, { key: KEYS[1]!, rpm: 100 }] }));
    const client = createClient({ adapter });
    for (let i = 0; i < 6; i++) await client.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1, 0, 1, 1, 1]);
  });

  it("counts each key's tokens from the usage of its answers (JSON and streams) against its tpm share", async () => {
    const mock = await mockOf({ apiKey: KEYS.slice(0, 2), script: { reply: { usage: { promptTokens: 60, completionTokens: 40 } } } });
    const adapter = track(openai({ baseURL: mock.url, apiKey: [{ key: KEYS[0]!, tpm: 150 }, { key: KEYS[1]!, tpm: 10_000 }] }));
    const client = createClient({ adapter });
    const req: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] };
    await client.chat(req);
    const stream = client.stream(req);
    for await (const _ of stream);
    await client.chat(req); // key 1: 100 tokens of 150
    await client.chat(req); // key 2
    await client.chat(req); // key 1 has used 200 ≥ 150: key 2 again
    expect((await adapter.keyPool!.snapshot()).keys.map((k) => k.tokens)).toEqual([200, 300]);
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1, 0, 1, 1]);
  });

  it("reports the pool's allowance as meta.rateLimit (sums over the keys), and passes over a key whose headers say it is spent", async () => {
    const reset = { resetRequestsMs: 60_000, resetTokensMs: 60_000 };
    const mock = await mockOf({
      apiKey: KEYS,
      keys: {
        [KEYS[0]!]: { rateLimit: { limitRequests: 100, remainingRequests: 0, limitTokens: 1000, remainingTokens: 500, ...reset } },
        [KEYS[1]!]: { rateLimit: { limitRequests: 100, remainingRequests: 40, limitTokens: 1000, remainingTokens: 900, ...reset } },
        [KEYS[2]!]: { rateLimit: { limitRequests: 200, remainingRequests: 150, limitTokens: 2000, remainingTokens: 2000, ...reset } },
      },
    });
    const adapter = track(openai({ baseURL: mock.url, apiKey: KEYS }));
    const client = createClient({ adapter });
    const req: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] };
    expect((await client.chat(req)).meta.rateLimit).toBeUndefined(); // keys 2 and 3 never answered yet: nothing is known
    await client.chat(req);
    const { meta } = await client.chat(req);
    expect(meta.rateLimit).toMatchObject({ limitRequests: 400, remainingRequests: 190, limitTokens: 4000, remainingTokens: 3400 });
    for (let i = 0; i < 4; i++) await client.chat(req);
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1, 2, 1, 2, 1, 2]); // key 1 is spent until its reset
  });
});
