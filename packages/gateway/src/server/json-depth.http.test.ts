import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { capturingLogger, closeAfterEach, type ConfigGateway, readAll, startConfigGateway } from '../../test/config-gateway.js';

let mock: MockProvider | undefined;
let gw: ConfigGateway | undefined;
const track = closeAfterEach();

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const body = (nested: string) => `{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}],"x_nested":${nested}}`;

async function start(): Promise<{ url: string; lines: Array<Record<string, unknown>> }> {
  mock = track(await startMockProvider({ apiKey: 'k' }));
  const { logger, lines } = capturingLogger('info');
  // The cache is on (its key hashes the whole body): the path that used to overflow the stack.
  gw = track(await startConfigGateway({ providers: { relay: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['relay'] }] }, { logger }));
  return { url: gw.url, lines };
}

const post = (url: string, text: string) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });

describe('deeply nested JSON bodies', () => {
  it.each([
    ['10 000 nested arrays', nestedArrays(10_000)],
    ['10 000 nested objects', nestedObjects(10_000)],
    ['129 nested arrays', nestedArrays(129)],
  ])('%s: 400 naming the problem, upstream untouched, no stack trace logged', async (_name, nested) => {
    const { url, lines } = await start();
    const res = await post(url, body(nested));
    const text = await readAll(res);
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toEqual({ error: { message: 'The request body nests JSON deeper than 128 levels', type: 'invalid_request_error', param: null, code: 'json_too_deep' } });
    expect(mock!.requests).toHaveLength(0);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('stack');
  });

  it('accepts 128 levels (deep tool schemas still work)', async () => {
    const { url } = await start();
    const res = await post(url, body(nestedArrays(127)));
    expect(res.status).toBe(200);
    await readAll(res);
    expect(mock!.requests).toHaveLength(1);
  });
});
