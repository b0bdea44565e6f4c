/** Chunks written as the provider's own JSON text when nothing replaced them, and serialised otherwise. */
import { openai } from '@lifeline/adapters';
import { createClient } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, readAll, startConfigGateway } from '../../test/config-gateway.js';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { createGateway } from './create-gateway.js';

const track = closeAfterEach();

/** The base URL of a mock OpenAI provider that streams `events` (`data:` payloads), then `[DONE]`, to every request, as given. */
async function provider(events: string[]): Promise<string> {
  const body = [...events, '[DONE]'].map((e) => `data: ${e}\n\n`).join('');
  return track(await startMockProvider({ apiKey: 'k', script: { raw: { body } } })).url;
}

// As a provider may write them: `é` escaped as \u00e9 (JSON.stringify writes é), `"usage":null` last.
const HEAD = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[';
const role = `${HEAD}{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}`;
const cafe = `${HEAD}{"index":0,"delta":{"content":"caf\\u00e9"},"finish_reason":null}],"usage":null}`;
const stop = `${HEAD}{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`;
const usage = `${HEAD}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`;
const withoutUsage = (e: string) => e.replace(',"usage":null}', '}');

const dataLines = (body: string) => body.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Hi' }], ...extra });

async function streamed(url: string, extra?: Record<string, unknown>): Promise<string[]> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(extra) });
  expect(res.status).toBe(200);
  return dataLines(await readAll(res));
}

describe('chunk JSON through the gateway (a pipeline built from the config)', () => {
  it("writes the provider's text of each chunk; without include_usage, less its null usage", async () => {
    const baseURL = await provider([role, cafe, stop, usage]);
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL, apiKey: 'k' } }, routes: [{ model: '*', targets: ['up'] }] }));
    expect(await streamed(gw.url)).toEqual([withoutUsage(role), withoutUsage(cafe), withoutUsage(stop), '[DONE]']);
  });

  it('with include_usage: each text as sent, the usage chunk at the end', async () => {
    const baseURL = await provider([role, cafe, stop, usage]);
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL, apiKey: 'k' } }, routes: [{ model: '*', targets: ['up'] }] }));
    expect(await streamed(gw.url, { stream_options: { include_usage: true } })).toEqual([role, cafe, stop, usage, '[DONE]']);
  });

  it('serialises a chunk the adapter normalised, and one whose null usage is not its last member', async () => {
    const noFinish = `${HEAD}{"index":0,"delta":{"content":"caf\\u00e9"}}]}`;
    const usageFirst = '{"usage":null,"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"caf\\u00e9"},"finish_reason":null}]}';
    const baseURL = await provider([role, noFinish, usageFirst, stop]);
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL, apiKey: 'k' } }, routes: [{ model: '*', targets: ['up'] }] }));
    const lines = await streamed(gw.url);
    expect(lines[1]).toBe(`${HEAD}{"index":0,"delta":{"content":"café"},"finish_reason":null}]}`);
    expect(lines[2]).toBe('{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"café"},"finish_reason":null}]}');
    expect([lines[0], lines[3], lines[4]]).toEqual([withoutUsage(role), withoutUsage(stop), '[DONE]']);
  });
});

describe('chunk JSON through the gateway (a pipeline given in code)', () => {
  it('serialises every chunk: its middleware are not vouched for', async () => {
    const baseURL = await provider([role, cafe, stop, usage]);
    const adapter = openai({ baseURL, apiKey: 'k' });
    const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client: createClient({ adapter }) }], close: () => adapter.close() }), server: { logLevel: 'silent' } });
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    track(gateway);
    const lines = await streamed(url);
    expect(lines[1]).toBe(`${HEAD}{"index":0,"delta":{"content":"café"},"finish_reason":null}]}`);
    expect(lines).toHaveLength(4);
  });

  it('…unless the pipeline says its chunks are never changed in place (chunksUnchanged)', async () => {
    const baseURL = await provider([role, cafe, stop, usage]);
    const adapter = openai({ baseURL, apiKey: 'k' });
    const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client: createClient({ adapter }) }], chunksUnchanged: true, close: () => adapter.close() }), server: { logLevel: 'silent' } });
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    track(gateway);
    expect(await streamed(url)).toEqual([withoutUsage(role), withoutUsage(cafe), withoutUsage(stop), '[DONE]']);
  });
});
