import { RESPONSE_JSON, responseJsonOf, type AdapterCall, type ChatResponse } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openai } from './adapter.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A completion as a provider may write it: `\u00e9` escaped (JSON.stringify would write é). */
const BODY = '{"id":"r1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\\u00e9"},"finish_reason":"stop"}],"usage":null}';

const call = (metadata: Record<string | symbol, unknown>): AdapterCall => ({ signal: new AbortController().signal, metadata: metadata as Record<string, unknown> });

async function chat(body: string, metadata: Record<string | symbol, unknown>): Promise<ChatResponse> {
  const mock = await startMockProvider({ apiKey: 'k', script: { raw: { body } } }); // the provider's bytes, as given
  const adapter = openai({ baseURL: mock.url, apiKey: 'k' });
  closers.push(() => adapter.close(), () => mock.close());
  return adapter.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, call(metadata));
}

describe('openai() chat: the provider JSON text of the answer', () => {
  it('with RESPONSE_JSON, an answer parsed as is carries its text, byte for byte (blank lines around it dropped)', async () => {
    const response = await chat(`\n\n${BODY}\n`, { [RESPONSE_JSON]: true });
    expect(responseJsonOf(response)).toBe(BODY);
    expect(response.choices[0]!.message.content).toBe('café');
    expect(JSON.stringify(response)).not.toContain('\\u00e9'); // invisible to serialisation
  });

  it('without RESPONSE_JSON, the answer carries none', async () => {
    expect(responseJsonOf(await chat(BODY, {}))).toBeUndefined();
  });

  it('an answer the adapter had to normalise carries none (its text says something else)', async () => {
    const noObject = BODY.replace('"object":"chat.completion",', '');
    const response = await chat(noObject, { [RESPONSE_JSON]: true });
    expect(response.object).toBe('chat.completion');
    expect(responseJsonOf(response)).toBeUndefined();
  });

  it('a pretty-printed answer carries none (the entry would keep its whitespace)', async () => {
    const response = await chat(JSON.stringify(JSON.parse(BODY), null, 2), { [RESPONSE_JSON]: true });
    expect(response.choices[0]!.message.content).toBe('café');
    expect(responseJsonOf(response)).toBeUndefined();
  });

  it('a copy of the answer carries none', async () => {
    const response = await chat(BODY, { [RESPONSE_JSON]: true });
    expect(responseJsonOf({ ...response })).toBeUndefined();
  });
});
