/**
 * `providers.<name>.http2`: the gateway's streams to an h2c upstream share its connections.
 */
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../config/check.js';
import { validateConfig } from '../config/validate.js';
import { closeAfterEach, readAll, startConfigGateway } from '../../test/config-gateway.js';

let mock: MockProvider | undefined;
const track = closeAfterEach();
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

const stream = (url: string, i: number) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'paced', stream: true, messages: [{ role: 'user', content: `stream ${i}` }] }),
  }).then(readAll);

describe('providers.<name>.http2', () => {
  it('carries 120 concurrent streams to an h2c upstream on one connection', async () => {
    mock = await startMockProvider({ http2: true, text: 'a b c', routes: { paced: { stream: { chunkDelayMs: 20 } } } });
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL: mock.url, apiKey: 'test-key', http2: true } }, routes: [{ model: '*', targets: ['up'] }] }));
    const bodies = await Promise.all(Array.from({ length: 120 }, (_, i) => stream(gw.url, i)));
    for (const body of bodies) {
      expect(body).toContain('data: [DONE]');
      expect(body.match(/"content":"[^"]*"/g)?.join('')).toBe('"content":"""content":"a""content":" b""content":" c"');
    }
    expect(mock.requests).toHaveLength(120);
    expect(mock.connections).toBe(1);
  });

  it('is a boolean', () => {
    const config = (http2: unknown) => ({ providers: { up: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', http2 } }, routes: [{ model: '*', targets: ['up'] }] });
    expect(validateConfig(config(true)).providers.up?.http2).toBe(true);
    expect(validateConfig(config(undefined)).providers.up).not.toHaveProperty('http2');
    let error: unknown;
    try {
      validateConfig(config('h2c'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues).toEqual(['providers.up.http2: expected true or false, got "h2c"']);
  });
});
