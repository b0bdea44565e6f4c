import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { closeAfterEach, type ConfigGateway, readAll, startConfigGateway } from '../../test/config-gateway.js';

/** An upstream key that matches no built-in pattern: only the exact-secret scrub can catch it. */
const KEY = 'relay-secret-0123456789';
const echo = { message: `bad key ${KEY}`, type: KEY, param: KEY, code: KEY };

let mock: MockProvider | undefined;
let gw: ConfigGateway | undefined;
const track = closeAfterEach();

async function start(script: NonNullable<Parameters<typeof startMockProvider>[0]>['script']): Promise<string> {
  mock = track(await startMockProvider({ apiKey: KEY, script }));
  const config: GatewayConfigInput = {
    providers: { relay: { kind: 'openai', baseURL: mock.url, apiKey: KEY } },
    routes: [{ model: '*', targets: ['relay'] }],
    retry: false,
    cache: false,
    fallback: { enabled: false },
  };
  gw = track(await startConfigGateway(config));
  return gw.url;
}

const chat = (url: string, stream = false) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', stream, messages: [{ role: 'user', content: 'hi' }] }) });

describe('an upstream that echoes its key in every error field', () => {
  it('JSON: no field of the error body carries the key (param included)', async () => {
    const url = await start({ status: 400, body: { error: echo } });
    const res = await chat(url);
    const text = await readAll(res);
    expect(res.status).toBe(400);
    expect(text).not.toContain(KEY);
    const { error } = JSON.parse(text) as { error: Record<string, unknown> };
    expect(error).toEqual({ message: expect.stringContaining('bad key [redacted]'), type: 'invalid_request_error', param: '[redacted]', code: null });
  });

  it('JSON: a 404 keeps its status and loses the key', async () => {
    const url = await start({ status: 404, body: { error: echo } });
    const res = await chat(url);
    const text = await readAll(res);
    expect([res.status, text.includes(KEY)]).toEqual([404, false]);
    expect(JSON.parse(text).error.param).toBe('[redacted]');
  });

  it('stream, before the first chunk: an HTTP error without the key', async () => {
    const url = await start({ status: 400, body: { error: echo } });
    const res = await chat(url, true);
    const text = await readAll(res);
    expect(res.status).toBe(400);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).error.param).toBe('[redacted]');
  });

  it('stream, an in-band error event before any content: an HTTP error without the key', async () => {
    const url = await start({ stream: { errorAfter: 0, error: { ...echo, code: 'context_length_exceeded' } } });
    const res = await chat(url, true);
    const text = await readAll(res);
    expect(res.status).toBe(400);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).error).toMatchObject({ param: '[redacted]', code: 'context_length_exceeded' });
  });

  it.each([
    ['every field echoed', echo],
    ['a context-length error naming the key as its param', { ...echo, code: 'context_length_exceeded' }],
  ])('stream, mid-way (%s): the in-band error event carries no key', async (_name, error) => {
    const url = await start({ stream: { errorAfter: 1, error } });
    const res = await chat(url, true);
    const text = await readAll(res);
    expect(res.status).toBe(200);
    expect(text).toContain('data: {"error":');
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain(KEY);
  });
});
