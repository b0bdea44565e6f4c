/** JSON answers written as the provider's own text plus the `lifeline` summary when nothing replaced them, and serialised otherwise. */
import { openai } from '@lifeline/adapters';
import { createClient } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, startConfigGateway } from '../../test/config-gateway.js';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { createGateway } from './create-gateway.js';
import { withSummaryJson } from './routes/chat.js';

const track = closeAfterEach();

/** The base URL of a mock OpenAI provider that answers every request with `body`, as given. */
async function provider(body: string): Promise<string> {
  return track(await startMockProvider({ apiKey: 'k', script: { raw: { body } } })).url;
}

// As a provider may write it: `é` escaped as \u00e9 (JSON.stringify writes é).
const usage = '"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}';
const answer = (extra = '') => `{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\\u00e9"},"finish_reason":"stop"}],${usage}${extra}}`;

async function ask(url: string): Promise<{ text: string; type: string | null }> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }) });
  expect(res.status).toBe(200);
  return { text: await res.text(), type: res.headers.get('content-type') };
}

const configGateway = async (baseURL: string) => track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL, apiKey: 'k' } }, routes: [{ model: '*', targets: ['up'] }] }));

describe('JSON answers through the gateway (a pipeline built from the config)', () => {
  it("writes the provider's text with the summary as its last member", async () => {
    const gw = await configGateway(await provider(answer()));
    const { text, type } = await ask(gw.url);
    expect(type).toBe('application/json; charset=utf-8');
    expect(text.startsWith(`${answer().slice(0, -1)},"lifeline":{"provider":"up","model":"m","attempts":1,`)).toBe(true);
    const parsed = JSON.parse(text);
    expect(parsed.choices[0].message.content).toBe('café');
    expect(Object.keys(parsed)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage', 'lifeline']);
    expect(parsed.lifeline).toMatchObject({ provider: 'up', model: 'm', attempts: 1, cache: 'miss', degraded: false, route: ['up:ok'] });
  });

  it('serialises an answer that has a lifeline member of its own, merged with the summary', async () => {
    const gw = await configGateway(await provider(answer(',"lifeline":{"note":"mine","provider":"theirs"}')));
    const { text, type } = await ask(gw.url);
    expect(type).toBe('application/json; charset=utf-8');
    expect(text).toContain('"content":"café"');
    const parsed = JSON.parse(text);
    expect(parsed.lifeline).toMatchObject({ note: 'mine', provider: 'up', attempts: 1 });
  });
});

describe('JSON answers through the gateway (a pipeline given in code)', () => {
  it('serialises the answer: its middleware are not vouched for', async () => {
    const adapter = openai({ baseURL: await provider(answer()), apiKey: 'k' });
    const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client: createClient({ adapter }) }], close: () => adapter.close() }), server: { logLevel: 'silent' } });
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    track(gateway);
    const { text, type } = await ask(url);
    expect(type).toBe('application/json; charset=utf-8');
    expect(text).toContain('"content":"café"');
    expect(JSON.parse(text).lifeline).toMatchObject({ provider: 'openai', attempts: 1 });
  });
});

describe('withSummaryJson', () => {
  const meta = { provider: 'up', model: 'm', attemptLog: [], cache: 'miss' } as never;
  it('adds the summary to an empty object without a comma', async () => {
    const { setResponseJson } = await import('@lifeline/core');
    const response = {} as never;
    setResponseJson(response, '{ }');
    expect(JSON.parse(withSummaryJson(response, meta)!)).toEqual({ lifeline: { provider: 'up', model: 'm', attempts: 0, cache: 'miss', costUsd: null, degraded: false, latencyMs: null } });
  });

  it('is undefined for an answer without a kept text', () => {
    expect(withSummaryJson({ id: 'x' } as never, meta)).toBeUndefined();
  });
});
