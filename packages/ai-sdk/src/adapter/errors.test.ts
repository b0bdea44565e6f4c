/**
 * The AI SDK's errors mapped onto Lifeline's taxonomy, from real HTTP error responses of the mock
 * provider (their real bodies and headers), and from the AI SDK's own error classes.
 */
import { InvalidPromptError, JSONParseError, LoadAPIKeyError } from '@ai-sdk/provider';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  RateLimitError,
  ServerError,
  TimeoutError,
  createClient,
  timeout,
  type ChatRequest,
} from '@lifeline/core';
import { startMockProvider, type Step } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { aiSdkAnthropic, aiSdkCompatible, closeAfterEach, mock, until } from '../../test/mocks.js';
import { aiSdkAdapter } from './adapter.js';
import { fromAiSdkError } from './errors.js';

closeAfterEach();

const ask = (model = 'gpt-4.1'): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 32 });

async function failure(step: Step, flavor: 'openai' | 'anthropic' = 'openai'): Promise<unknown> {
  const server = await mock({ flavor, script: step });
  const model = flavor === 'openai' ? aiSdkCompatible(server)('gpt-4.1') : aiSdkAnthropic(server)('claude-sonnet-4-5');
  const client = createClient({ adapter: aiSdkAdapter(model, { name: 'target' }) });
  return client.chat(ask()).catch((e: unknown) => e);
}

describe('aiSdkAdapter — HTTP errors', () => {
  it('401 → AuthenticationError, not retryable', async () => {
    const error = await failure({ preset: 'invalid_api_key' });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ provider: 'target', status: 401, retryable: false, providerCode: 'invalid_api_key' });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): 401 invalid_api_key — Incorrect API key provided/);
    expect((error as Error).message).not.toContain('test-key');
  });

  it('context_length_exceeded → ContextLengthError', async () => {
    const error = await failure({ preset: 'context_length_exceeded' });
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toMatchObject({ status: 400, retryable: false, providerCode: 'context_length_exceeded' });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): 400 context_length_exceeded — This model's maximum context length is/);
  });

  it("Anthropic's prompt-too-long 400 → ContextLengthError", async () => {
    const error = await failure({ preset: 'context_length_exceeded' }, 'anthropic');
    expect(error).toBeInstanceOf(ContextLengthError);
    expect((error as Error).message).toMatch(/^target \(ai-sdk anthropic\.messages\): 400 invalid_request_error — prompt is too long: \d+ tokens > 200000 maximum/);
  });

  it('a usage-policy 400 → ContentFilterError', async () => {
    const error = await failure({ preset: 'content_policy' });
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): 400 invalid_prompt — .*usage polic/);
  });

  it('insufficient_quota 429 → RateLimitError that is not retryable', async () => {
    const error = await failure({ preset: 'insufficient_quota' });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryable: false, providerCode: 'insufficient_quota' });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): 429 insufficient_quota — You exceeded your current quota/);
  });

  it('500 → retryable ServerError; x-should-retry: false overrides it', async () => {
    const error = await failure({ preset: 'server_error' });
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): 500 server_error — /);
    expect(await failure({ status: 503, shouldRetry: false })).toMatchObject({ status: 503, retryable: false });
  });

  it("Anthropic's 529 overloaded → retryable ServerError", async () => {
    const error = await failure({ preset: 'overloaded' }, 'anthropic');
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 529, retryable: true, providerCode: 'overloaded_error' });
    expect((error as Error).message).toBe('target (ai-sdk anthropic.messages): 529 overloaded_error — Overloaded');
  });

  it("Anthropic's in-band overloaded_error mid-stream → retryable ServerError", async () => {
    const server = await mock({ flavor: 'anthropic', text: 'One two three', script: [{ stream: { errorAfter: 1 } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5'), { name: 'target' }) });
    const error = await (async () => {
      for await (const _ of client.stream(ask('claude-sonnet-4-5'))) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ retryable: true, providerCode: 'overloaded_error' });
    expect((error as Error).message).toBe('target (ai-sdk anthropic.messages): error in stream overloaded_error — Overloaded');
  });

  it('connection refused → retryable ConnectionError', async () => {
    const server = await startMockProvider();
    const url = server.url;
    await server.close();
    const model = aiSdkCompatible({ url } as never)('gpt-4.1');
    const error = await createClient({ adapter: aiSdkAdapter(model, { name: 'target' }) }).chat(ask()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ provider: 'target', retryable: true });
    expect((error as Error).message).toMatch(/^target \(ai-sdk relay\.chat\): connection failed — .*ECONNREFUSED/);
  });
});

describe('aiSdkAdapter — aborts and timeouts', () => {
  it("the caller's abort reaches the AI SDK request and surfaces as AbortError", async () => {
    const server = await mock({ script: { hang: true } });
    // The AI SDK's own request, watched: the pipeline rejects an aborted call by itself, so the
    // AbortError alone would not show that the request was cancelled.
    const signals: Array<AbortSignal | null | undefined> = [];
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server, 'relay', signals)('gpt-4.1')) });
    const controller = new AbortController();
    const pending = client.chat(ask(), { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => server.requests.length === 1);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('The operation was aborted by the caller');
    expect(server.requests).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("timeout()'s per-attempt limit aborts the AI SDK request with a TimeoutError", async () => {
    const server = await mock({ script: { hang: true } });
    const signals: Array<AbortSignal | null | undefined> = [];
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server, 'relay', signals)('gpt-4.1')), use: [timeout({ ms: 50 })] });
    const error = await client.chat(ask()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/50 ms/);
    // timeout() rejects by itself when the limit passes: the AI SDK's request shows the abort reached it.
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
  });
});

describe('fromAiSdkError — AI SDK error classes', () => {
  const ctx = { provider: 'p', label: 'p (ai-sdk x)' };

  it('an invalid prompt → BadRequestError', () => {
    const error = fromAiSdkError(new InvalidPromptError({ prompt: [], message: 'messages must not be empty' }), ctx);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe('p (ai-sdk x): Invalid prompt: messages must not be empty');
  });

  it('an unparsable response → retryable ServerError', () => {
    const error = fromAiSdkError(new JSONParseError({ text: '{"x', cause: new SyntaxError('Unexpected end') }), ctx);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^p \(ai-sdk x\): invalid response — JSON parsing failed/);
  });

  it('a missing API key → ConfigurationError', () => {
    const error = fromAiSdkError(new LoadAPIKeyError({ message: 'API key is missing' }), ctx);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe('p (ai-sdk x): API key is missing');
  });
});
