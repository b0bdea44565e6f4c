/**
 * Extended thinking through `/v1/messages`, as the Anthropic adapter delivers it (reasoning
 * deltas, then the signed block): the official SDK assembles a thinking block with its signature,
 * and sending it back reaches the upstream as the signed block.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ChatResponse } from '@lifeline/core';
import { chatChunk, scriptedAdapter, usageChunk } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SIGNED = { type: 'thinking', thinking: 'The user greets me.', signature: 'EqQBCkYIARgCIkD' };

const chunks = [
  chatChunk({ role: 'assistant', content: '' }),
  chatChunk({ reasoning_content: 'The user ' }),
  chatChunk({ reasoning_content: 'greets me.' }),
  chatChunk({ thinking_blocks: [SIGNED] }),
  chatChunk({ content: 'Hello!' }),
  chatChunk({}, 'stop'),
  usageChunk({ prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, completion_tokens_details: { reasoning_tokens: 12 } }),
];

const response: ChatResponse = {
  id: 'msg_01',
  object: 'chat.completion',
  created: 0,
  model: 'fake-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', reasoning_content: SIGNED.thinking, thinking_blocks: [SIGNED] }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, completion_tokens_details: { reasoning_tokens: 12 } },
};

const ask = { model: 'fake-model', max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('thinking through /v1/messages', () => {
  it('stream: thinking_delta then signature_delta, assembled by the SDK into a signed block', async () => {
    const adapter = scriptedAdapter([{ chunks }, 'ok']);
    h = await startHarness({ adapter });
    const sdk = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
    const stream = sdk.messages.stream(ask);
    const thinking: string[] = [];
    const signatures: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    stream.on('signature', (s) => signatures.push(s));
    const message = await stream.finalMessage();
    expect(thinking).toEqual(['The user ', 'greets me.']);
    expect(signatures).toEqual([SIGNED.signature]);
    expect(message.content).toEqual([SIGNED, expect.objectContaining({ type: 'text', text: 'Hello!' })]);
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 12 });
    expect(adapter.calls[0]!.request.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });

    await sdk.messages.create({ ...ask, messages: [...ask.messages, { role: 'assistant', content: message.content }, { role: 'user', content: 'And?' }] });
    expect(adapter.calls[1]!.request.messages[1]).toEqual({ role: 'assistant', content: 'Hello!', thinking_blocks: [SIGNED] });
  });

  it('create: the signed thinking block comes first', async () => {
    h = await startHarness({ adapter: scriptedAdapter({ response }) });
    const sdk = new Anthropic({ baseURL: h.url, apiKey: 'unused', maxRetries: 0 });
    const message = await sdk.messages.create(ask);
    expect(message.content).toEqual([SIGNED, { type: 'text', text: 'Hello!', citations: null }]);
  });
});
