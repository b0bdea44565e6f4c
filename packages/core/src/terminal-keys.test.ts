import { describe, expect, it } from 'vitest';
import type { Adapter } from './adapter.js';
import { createClient } from './client.js';
import type { ChatResponse } from './types.js';

const answer: ChatResponse = {
  id: 'c1',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
};

describe('the attempt log of an adapter with a key pool', () => {
  it('records the key (a fingerprint) that served the attempt and the keys tried before it, with their statuses', async () => {
    const adapter: Adapter = {
      name: 'pool',
      kind: 'test',
      async chat(_req, call) {
        call.onResponse?.({ status: 429, key: '…aaaa#11111111' });
        call.onResponse?.({ status: 401, key: '…bbbb#22222222' });
        call.onResponse?.({ status: 200, key: '…cccc#33333333', requestId: 'req_1' });
        return answer;
      },
      stream: () => Promise.reject(new Error('unused')),
    };
    const { meta } = await createClient({ adapter }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(meta.attempts).toBe(1);
    expect(meta.attemptLog[0]).toMatchObject({
      status: 200,
      requestId: 'req_1',
      key: '…cccc#33333333',
      keysTried: [{ key: '…aaaa#11111111', status: 429 }, { key: '…bbbb#22222222', status: 401 }],
    });
  });

  it('adds neither field for an adapter without keys', async () => {
    const adapter: Adapter = { name: 'plain', kind: 'test', chat: async (_r, call) => (call.onResponse?.({ status: 200 }), answer), stream: () => Promise.reject(new Error('unused')) };
    const { meta } = await createClient({ adapter }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(meta.attemptLog[0]).not.toHaveProperty('key');
    expect(meta.attemptLog[0]).not.toHaveProperty('keysTried');
  });
});
