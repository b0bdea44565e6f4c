import { keyFingerprint } from '@lifeline/adapters';
import { startMockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, startConfigGateway } from '../../../../test/config-gateway.js';

const track = closeAfterEach();
const ADMIN = 'gw-admin-key-5b1c9e7d3a';
const KEYS = ['sk-status-pool-one-0123456789', 'sk-status-pool-two-0123456789', 'sk-status-pool-three-01234567'];
const [FP1, FP2] = KEYS.map(keyFingerprint);

/** The first `snapshot` event of `/status/events`. */
async function snapshot(url: string): Promise<{ state: any; text: string }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/status/events`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!/event: snapshot\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    abort.abort();
  }
  const data = /event: snapshot\ndata: (.*)\n\n/.exec(text)![1]!;
  return { state: JSON.parse(data), text };
}

describe('the status page and key pools', () => {
  it("shows each target's pool (healthy / cooling / quarantined) and a timeline entry when a key is quarantined, by fingerprint only", async () => {
    const upstream = track(await startMockProvider({ apiKey: [KEYS[0]!, KEYS[2]!], keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 60 }] } }));
    const { url } = track(
      await startConfigGateway({
        auth: { keys: [{ key: ADMIN, name: 'ops' }] },
        providers: { primary: { kind: 'openai', baseURL: upstream.url, apiKeys: KEYS } },
        routes: [{ model: '*', targets: ['primary'] }],
      }),
    );
    const ask = () =>
      fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }) }).then((r) => r.status);
    expect([await ask(), await ask()]).toEqual([200, 200]); // key 1: 429 → key 2: 401 → key 3
    const { state, text } = await snapshot(url);
    expect(state.targets.primary.keyPool).toMatchObject({ healthy: 1, cooling: 1, quarantined: 1, nextBackAt: expect.any(Number), aside: [{ key: FP1, state: 'cooling' }, { key: FP2, state: 'quarantined' }] });
    expect(state.timeline).toEqual([expect.objectContaining({ kind: 'key', target: 'primary', key: FP2, to: 'quarantined', text: `key ${FP2} of primary quarantined (HTTP 401)` })]);
    for (const key of KEYS) expect(text).not.toContain(key);
  });
});
