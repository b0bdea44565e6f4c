import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { closeAfterEach, type ConfigGateway, readAll, startConfigGateway } from '../../test/config-gateway.js';

let mock: MockProvider | undefined;
let gw: ConfigGateway | undefined;
const track = closeAfterEach();

async function start(script?: NonNullable<Parameters<typeof startMockProvider>[0]>['script'], routes?: GatewayConfigInput['routes']): Promise<string> {
  mock = track(await startMockProvider({ apiKey: 'k', ...(script !== undefined && { script }) }));
  gw = track(await startConfigGateway({
    providers: { relay: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } },
    routes: routes ?? [{ model: '*', targets: ['relay'] }],
    retry: false,
    cache: false,
  }));
  return gw.url;
}

const chat = (url: string, model: string, stream = false) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(5_000),
  });

const NAMES = [
  ['Chinese', '模型-v1'],
  ['emoji', '🚀-model'],
  ['CR/LF', 'm\r\nx-a: 1'],
  ['Latin-1 accents', 'modèle-ü'],
  ['a lone surrogate', 'bad-\ud800-name'],
];

describe('model names outside printable ASCII', () => {
  it.each(NAMES)('%s in the request: JSON answered normally, x-lifeline-model percent-encoded', async (_kind, model) => {
    const url = await start();
    const res = await chat(url, model!);
    const text = await readAll(res);
    expect(res.status).toBe(200);
    const body = JSON.parse(text);
    expect(body.choices[0].message.content).toBe('Hello from the mock provider.');
    expect(body.lifeline.model).toBe(model);
    expect(decodeURIComponent(res.headers.get('x-lifeline-model')!)).toBe(model!.replace('\ud800', '\ufffd'));
    expect(res.headers.get('x-a')).toBeNull();
    expect(mock!.requests).toHaveLength(1);
  });

  it.each(NAMES)('%s in the request: the stream is answered to [DONE], never hangs', async (_kind, model) => {
    const url = await start();
    const res = await chat(url, model!, true);
    const text = await readAll(res);
    expect(res.status).toBe(200);
    expect(text).toContain('Hello');
    expect(text).toContain('data: [DONE]');
    expect(decodeURIComponent(res.headers.get('x-lifeline-model')!)).toBe(model!.replace('\ud800', '\ufffd'));
    expect(res.headers.get('x-a')).toBeNull();
  });

  it('an upstream reporting its model as 通义千问-max: JSON and stream answered', async () => {
    const url = await start({ reply: { model: '通义千问-max' } });
    const json = await chat(url, 'qwen-max');
    expect([json.status, JSON.parse(await readAll(json)).lifeline.model]).toEqual([200, '通义千问-max']);
    expect(json.headers.get('x-lifeline-model')).toBe(encodeURIComponent('通义千问-max'));
    const stream = await chat(url, 'qwen-max', true);
    const text = await readAll(stream);
    expect([stream.status, text.includes('data: [DONE]')]).toEqual([200, true]);
  });

  it('a target that swaps in a non-Latin-1 model: x-lifeline-provider encoded too (JSON and stream)', async () => {
    const url = await start(undefined, [{ model: '*', targets: [{ provider: 'relay', model: '通义千问-max' }] }]);
    const json = await chat(url, 'gpt-4.1');
    await readAll(json);
    expect(json.status).toBe(200);
    expect(decodeURIComponent(json.headers.get('x-lifeline-provider')!)).toBe('relay:通义千问-max');
    const stream = await chat(url, 'gpt-4.1', true);
    const text = await readAll(stream);
    expect([stream.status, text.includes('data: [DONE]')]).toEqual([200, true]);
    expect(decodeURIComponent(stream.headers.get('x-lifeline-provider')!)).toBe('relay:通义千问-max');
  });
});
