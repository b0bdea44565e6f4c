/**
 * A stream that breaks after content, continued on another vendor (failover's `midStream:
 * 'continue'`): the Anthropic client sees one message whose text runs on across the break.
 */
import Anthropic from '@anthropic-ai/sdk';
import { anthropic, openai } from '@lifeline/adapters';
import { failover } from '@lifeline/failover';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../../test/harness.js';

let h: Harness | undefined;
const mocks: MockProvider[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

describe('mid-stream failover through /v1/messages', () => {
  it('continues an OpenAI stream cut after "Hello from" on Anthropic, as one message', async () => {
    const primary = await startMockProvider({ flavor: 'openai', apiKey: 'k', text: 'Hello from the primary.', script: { stream: { cutAfter: 2 } } });
    const backup = await startMockProvider({
      flavor: 'anthropic',
      apiKey: 'k',
      script: (req) => {
        const messages = (req.body as { messages: Array<{ role: string }> }).messages;
        // The mock continues a prefill as Anthropic does: the words of this answer after the prefill's.
        return { reply: { text: messages.at(-1)?.role === 'assistant' ? 'Hello from the backup.' : 'Unexpected: no prefill.' } };
      },
    });
    mocks.push(primary, backup);
    const targets = [openai({ baseURL: primary.url, apiKey: 'k', name: 'primary' }), anthropic({ baseURL: backup.url, apiKey: 'k', name: 'backup' })];
    h = await startHarness({ use: [failover(targets, { midStream: 'continue' })] });
    const sdk = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });

    const stream = sdk.messages.stream({ model: 'fake-model', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const message = await stream.finalMessage();

    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from the backup.' })]);
    expect(message.stop_reason).toBe('end_turn');
    expect(events.filter((e) => e === 'message_start')).toHaveLength(1);
    expect(events.filter((e) => e === 'content_block_start')).toHaveLength(1);
    expect(events.at(-1)).toBe('message_stop');
    expect((backup.requests[0]!.body as { messages: unknown[] }).messages.at(-1)).toEqual({ role: 'assistant', content: 'Hello from' });
  });
});
