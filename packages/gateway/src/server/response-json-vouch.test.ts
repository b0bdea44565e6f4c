/**
 * A pipeline built from the config vouches that answers are never changed in place
 * (`chunksUnchanged`), so the server asks for each JSON answer's text as received (`RESPONSE_JSON`)
 * and the cache stores that text. This holds it to that: every answer an adapter returns is
 * deep-frozen, and JSON calls run through the whole default stack — a failed target and failover,
 * retry, breaker, meter, a cache miss and a hit — where any change in place would throw.
 */
import { openai } from '@lifeline/adapters';
import { RESPONSE_JSON, responseJsonOf, type Adapter } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPipeline } from '../pipeline/from-config.js';
import { validateConfig } from '../config/validate.js';

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

/** `adapter`, its answers frozen; records whether each came with its text. */
function freezing(adapter: Adapter, texts: Array<string | undefined>): Adapter {
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

async function mock(options: Parameters<typeof startMockProvider>[0]): Promise<MockProvider> {
  const m = await startMockProvider(options);
  closers.push(() => m.close());
  return m;
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
    const adapters = { failing: freezing(openai({ baseURL: failing.url, name: 'failing' }), texts), backup: freezing(openai({ baseURL: backup.url, name: 'backup' }), texts) };
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
