import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import { authHeaders, chat, jsonOf } from './test-utils.js';
import type { Flavor, MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

describe('several API keys', () => {
  it.each<Flavor>(['openai', 'anthropic', 'gemini'])('%s: accepts every listed key, records which one (never the key) and refuses others', async (flavor) => {
    mock = await startMockProvider({ flavor, apiKey: ['key-one', 'key-two'] });
    expect((await chat(mock, { headers: authHeaders(flavor, 'key-two') })).status).toBe(200);
    expect((await chat(mock, { headers: authHeaders(flavor, 'key-one') })).status).toBe(200);
    const refused = await chat(mock, { headers: authHeaders(flavor, 'key-three') });
    expect(refused.status).toBe(flavor === 'gemini' ? 400 : 401);
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([1, 0, undefined]);
    expect(JSON.stringify(mock.requests)).not.toMatch(/key-(one|two|three)/);
  });

  it('scripts by key: a key of `keys` gets its own steps, with its own counter, before the global script', async () => {
    mock = await startMockProvider({
      apiKey: 'key-one',
      keys: { 'key-two': [{ preset: 'rate_limit', retryAfter: 30 }, 'ok'] },
      script: [{ status: 500 }],
    });
    const two = () => chat(mock, { headers: authHeaders('openai', 'key-two') });
    const limited = await two();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await jsonOf(limited)).error.code).toBe('rate_limit_exceeded');
    expect((await two()).status).toBe(200);
    expect((await chat(mock, { headers: authHeaders('openai', 'key-one') })).status).toBe(500);
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([1, 1, 0]);
    mock.reset();
    expect((await two()).status).toBe(429);
  });

  it('records no key index when the key check is off', async () => {
    mock = await startMockProvider({ apiKey: false });
    expect((await chat(mock, { headers: authHeaders('openai', 'anything') })).status).toBe(200);
    expect(mock.requests[0]!.keyIndex).toBeUndefined();
  });
});
