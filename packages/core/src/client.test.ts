import { describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { fakeAdapter } from '../test/fake-adapter.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('createClient', () => {
  it('chat resolves with the adapter response and meta', async () => {
    const client = createClient({ adapter: fakeAdapter({ name: 'primary', text: 'yo' }) });
    const { response, meta } = await client.chat(req);
    expect(response.choices[0]?.message.content).toBe('yo');
    expect(meta.provider).toBe('primary');
    expect(meta.attempts).toBe(1);
    expect(meta.usage?.total_tokens).toBe(5);
  });
});
