/**
 * toChatRequest: the AI SDK's prompt and call options as a Lifeline ChatRequest and CallOptions.
 */
import { InvalidArgumentError, UnsupportedFunctionalityError, type LanguageModelV4CallOptions, type LanguageModelV4Prompt } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { toChatRequest } from './request.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB';
const call = (prompt: LanguageModelV4Prompt, extra: Partial<LanguageModelV4CallOptions> = {}): LanguageModelV4CallOptions => ({ prompt, ...extra });

describe('toChatRequest — prompt', () => {
  it('user files: images (bytes, base64 with a sniffed type, URL), PDF, audio, inline text, file ids', () => {
    const { request } = toChatRequest('gpt-4.1', call([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'file', mediaType: 'image/jpeg', data: { type: 'data', data: new Uint8Array([0xff, 0xd8, 0xff]) } },
          { type: 'file', mediaType: 'image', data: { type: 'data', data: PNG } },
          { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://example.com/cat.png') } },
          { type: 'file', mediaType: 'application/pdf', filename: 'report.pdf', data: { type: 'data', data: 'JVBERi0x' } },
          { type: 'file', mediaType: 'audio/wav', data: { type: 'data', data: 'UklGRg==' } },
          { type: 'file', mediaType: 'text/plain', data: { type: 'text', text: 'inline doc' } },
          { type: 'file', mediaType: 'application/pdf', data: { type: 'reference', reference: { openai: 'file-abc' } } },
        ],
      },
    ]));
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'text', text: 'inline doc' },
          { type: 'file', file: { file_id: 'file-abc' } },
        ],
      },
    ]);
  });

  it('a file URL that is not an image is refused with UnsupportedFunctionalityError', () => {
    expect(() => toChatRequest('m', call([{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: { type: 'url', url: new URL('https://x/a.pdf') } }] }]))).toThrow(UnsupportedFunctionalityError);
    expect(() => toChatRequest('m', call([{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', data: { type: 'url', url: new URL('https://x/a.pdf') } }] }]))).toThrow(
      "'file URLs of type application/pdf (only images can be sent by URL; pass the bytes instead)' functionality not supported.",
    );
  });

  it('assistant reasoning (with its signed thinking block), text and tool calls; tool results of every output type', () => {
    const block = { type: 'thinking', thinking: 'Let me think.', signature: 'sig-1' };
    const { request, warnings } = toChatRequest('m', call([
      { role: 'system', content: 'Be exact.' },
      { role: 'user', content: [{ type: 'text', text: 'Go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Let me think.', providerOptions: { lifeline: { thinkingBlock: block } } },
          { type: 'text', text: 'Calling tools.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'a', input: { x: 1 }, providerOptions: { lifeline: { extraContent: { google: { thought_signature: 'ts' } } } } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'b', input: {} },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: PNG } },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'a', output: { type: 'json', value: { ok: true } } },
          { type: 'tool-result', toolCallId: 'c2', toolName: 'b', output: { type: 'error-text', value: 'boom' } },
          { type: 'tool-result', toolCallId: 'c3', toolName: 'c', output: { type: 'execution-denied', reason: 'not allowed' } },
          { type: 'tool-result', toolCallId: 'c4', toolName: 'd', output: { type: 'content', value: [{ type: 'text', text: 'part one' }, { type: 'file', mediaType: 'image/png', data: { type: 'data', data: PNG } }] } },
        ],
      },
    ]));
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be exact.' },
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        content: 'Calling tools.',
        reasoning_content: 'Let me think.',
        thinking_blocks: [block],
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"x":1}' }, extra_content: { google: { thought_signature: 'ts' } } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
      { role: 'tool', tool_call_id: 'c2', content: 'boom' },
      { role: 'tool', tool_call_id: 'c3', content: 'not allowed' },
      { role: 'tool', tool_call_id: 'c4', content: 'part one' },
    ]);
    expect(warnings.map((w) => (w.type === 'unsupported' ? w.feature : w.type))).toEqual(['assistant content of type file', 'tool result content of type file']);
  });

  it('anthropic cacheControl on a text part becomes cache_control', () => {
    const { request } = toChatRequest('m', call([{ role: 'user', content: [{ type: 'text', text: 'Long doc', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } }] }]));
    expect(request.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Long doc', cache_control: { type: 'ephemeral' } }] });
  });
});

describe('toChatRequest — call options', () => {
  const user: LanguageModelV4Prompt = [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }];

  it('sampling settings, penalties, reasoning effort and lifeline provider options as request fields', () => {
    const { request, warnings } = toChatRequest('m', call(user, {
      maxOutputTokens: 100, temperature: 0.5, topP: 0.9, topK: 40, stopSequences: ['x'], seed: 1, presencePenalty: 0.1, frequencyPenalty: 0.2, reasoning: 'high',
      providerOptions: { lifeline: { user: 'u-1', parallel_tool_calls: false, metadata: { tenant: 'acme' }, timeoutMs: 5_000 } },
    }));
    expect(request).toEqual({
      model: 'm', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, temperature: 0.5, top_p: 0.9, stop: ['x'], seed: 1,
      presence_penalty: 0.1, frequency_penalty: 0.2, reasoning_effort: 'high', user: 'u-1', parallel_tool_calls: false,
    });
    expect(warnings).toEqual([{ type: 'unsupported', feature: 'topK', details: 'the OpenAI-shaped request has no top_k; set providerOptions.lifeline.top_k for relays that accept it' }]);
  });

  it('signal, timeoutMs and metadata become call options; headers and other provider options travel in metadata.aiSdk', () => {
    const signal = new AbortController().signal;
    const { options } = toChatRequest('m', call(user, {
      abortSignal: signal,
      headers: { 'x-trace': 't-1', 'x-none': undefined },
      providerOptions: { lifeline: { metadata: { tenant: 'acme' }, timeoutMs: 5_000 }, anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } },
    }));
    expect(options).toEqual({
      signal,
      timeoutMs: 5_000,
      metadata: { tenant: 'acme', aiSdk: { headers: { 'x-trace': 't-1' }, providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } } },
    });
  });

  it('provider tools are dropped with a warning; reasoning provider-default sends nothing', () => {
    const { request, warnings } = toChatRequest('m', call(user, { tools: [{ type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} }], reasoning: 'provider-default' }));
    expect(request.tools).toBeUndefined();
    expect(request.reasoning_effort).toBeUndefined();
    expect(warnings).toEqual([{ type: 'unsupported', feature: 'provider tool openai.web_search', details: 'Lifeline sends function tools only' }]);
  });

  it('an invalid providerOptions.lifeline.timeoutMs is refused naming the option', () => {
    expect(() => toChatRequest('m', call(user, { providerOptions: { lifeline: { timeoutMs: -1 } } }))).toThrow(InvalidArgumentError);
    expect(() => toChatRequest('m', call(user, { providerOptions: { lifeline: { timeoutMs: -1 } } }))).toThrow('providerOptions.lifeline.timeoutMs must be a positive number of milliseconds, got -1');
    expect(() => toChatRequest('m', call(user, { providerOptions: { lifeline: { metadata: 'x' } } }))).toThrow('providerOptions.lifeline.metadata must be an object');
  });
});
