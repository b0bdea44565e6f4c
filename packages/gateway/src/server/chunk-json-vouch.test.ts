/**
 * A pipeline built from the config says its chunks are never changed in place (`chunksUnchanged`),
 * so the server writes the provider's own text of each chunk, and the cache stores the provider's
 * own text of each JSON answer (`RESPONSE_JSON`); answers frozen the same way run through failover
 * (a 500 first), retry, breaker, meter and the cache (miss, then hit). This holds it to that: every chunk an
 * adapter yields is deep-frozen, and streams run through the whole default stack — cache miss and
 * hit, a mid-stream break continued on the next target, a restart — where any change in place
 * would throw.
 */
import { openai } from '@lifeline/adapters';
import { RESPONSE_JSON, responseJsonOf, type Adapter, type ChatChunk } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPipeline } from '../pipeline/from-config.js';
import { validateConfig } from '../config/validate.js';
import type { GatewayPipeline } from '../pipeline/types.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `adapter`, its streamed chunks frozen. */
function freezing(adapter: Adapter): Adapter {
  return {
    name: adapter.name,
    kind: adapter.kind,
    capabilities: adapter.capabilities,
    chat: (req, call) => adapter.chat(req, call),
    async stream(req, call) {
      const chunks = await adapter.stream(req, call);
      return (async function* frozen() {
        for await (const c of chunks) yield deepFreeze(c);
      })();
    },
    close: () => adapter.close?.() ?? Promise.resolve(),
  };
}

async function text(pipeline: GatewayPipeline, model: string, content = 'Hi'): Promise<string> {
  let out = '';
  for await (const c of pipeline.route(model)!.client.stream({ model, messages: [{ role: 'user', content }] }) as AsyncIterable<ChatChunk>) out += c.choices[0]?.delta.content ?? '';
  return out;
}

async function mock(options: Parameters<typeof startMockProvider>[0]): Promise<MockProvider> {
  const m = await startMockProvider(options);
  closers.push(() => m.close());
  return m;
}

describe('a pipeline from the config changes no chunk in place', () => {
  it('through cache (miss, then hit), meter, failover, retry, breaker, timeout; a break continued on the next target; a restart', async () => {
    const answer = 'one two three four five six seven eight';
    const cut = await mock({ apiKey: false, text: answer, script: { stream: { cutAfter: 3 } } });
    const backup = await mock({ apiKey: false, text: answer });
    const config = validateConfig({
      providers: { cut: { kind: 'openai', baseURL: cut.url }, backup: { kind: 'openai', baseURL: backup.url } },
      cache: { ttlMs: 60_000 },
      routes: [
        { model: 'continue', targets: ['cut', 'backup'] },
        { model: 'restart', targets: ['cut', 'backup'], midStream: 'restart' },
      ],
    });
    const adapters = { cut: freezing(openai({ baseURL: cut.url, name: 'cut' })), backup: freezing(openai({ baseURL: backup.url, name: 'backup' })) };
    const pipeline = buildPipeline(config, { adapters });
    closers.push(() => pipeline.close());
    expect(await text(pipeline, 'continue')).toBe(answer);
    expect([cut.requests.length, backup.requests.length]).toEqual([1, 1]);
    expect(await text(pipeline, 'continue')).toBe(answer); // a cache hit
    expect([cut.requests.length, backup.requests.length]).toEqual([1, 1]);
    // A restart: the three words already sent, then the whole answer again from the backup.
    expect(await text(pipeline, 'restart', 'again')).toBe(`one two three${answer}`);
    expect([cut.requests.length, backup.requests.length]).toEqual([2, 2]);
  });
});

/** `adapter`, its answers frozen; records whether each came with its text. */
function freezingAnswers(adapter: Adapter, texts: Array<string | undefined>): Adapter {
  return {
    name: adapter.name,
    kind: adapter.kind,
    capabilities: adapter.capabilities,
    async chat(req, call) {
      const response = await adapter.chat(req, call);
      texts.push(responseJsonOf(response));
      return deepFreeze(response);
    },
    stream: (req, call) => adapter.stream(req, call),
    close: () => adapter.close?.() ?? Promise.resolve(),
  };
}

describe('a pipeline from the config changes no JSON answer in place', () => {
  it('through failover (a 500 first), retry, breaker, meter and the cache (miss, then hit)', async () => {
    const answer = 'one two three';
    const failing = await mock({ apiKey: false, text: answer, script: { status: 500 } });
    const backup = await mock({ apiKey: false, text: answer });
    const config = validateConfig({
      providers: { failing: { kind: 'openai', baseURL: failing.url }, backup: { kind: 'openai', baseURL: backup.url } },
      cache: { ttlMs: 60_000 },
      routes: [{ model: 'm', targets: ['failing', 'backup'] }],
    });
    const texts: Array<string | undefined> = [];
    const adapters = { failing: freezingAnswers(openai({ baseURL: failing.url, name: 'failing' }), texts), backup: freezingAnswers(openai({ baseURL: backup.url, name: 'backup' }), texts) };
    const pipeline = buildPipeline(config, { adapters });
    closers.push(() => pipeline.close());
    const metadata = { [RESPONSE_JSON]: true } as Record<string, unknown>;
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] };
    const first = await pipeline.route('m')!.client.chat(request, { metadata });
    expect(first.response.choices[0]!.message.content).toBe(answer);
    expect(first.meta.cache).toBe('miss');
    expect(texts).toHaveLength(1); // the backup's answer, with its text
    expect(typeof texts[0]).toBe('string');
    expect(JSON.parse(texts[0]!)).toEqual(first.response);
    const second = await pipeline.route('m')!.client.chat(request, { metadata });
    expect(second.meta.cache).toBe('hit');
    expect(second.response).toEqual(first.response);
    expect(backup.requests.length).toBe(1);
  });
});
