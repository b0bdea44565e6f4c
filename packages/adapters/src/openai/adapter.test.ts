import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  LifelineError,
  RateLimitError,
  ResponseAssembler,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
  type AdapterCall,
  type ChatChunk,
  type ChatRequest,
  type ResponseInfo,
} from '@lifeline/core';
import { startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { settlesAfter, turnsUntil, watch } from '../../../../test-support/turns.js';
import { openai, type OpenAIAdapter } from './adapter.js';
import type { OpenAIOptions } from './options.js';

const KEY = 'sk-mock-0123456789abcdefghij';
const REQ: ChatRequest = { model: 'gpt-mock', messages: [{ role: 'user', content: 'Say hello' }] };

let mock: MockProvider | undefined;
let adapter: OpenAIAdapter | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await adapter?.close();
  await mock?.close();
  adapter = undefined;
  mock = undefined;
});

async function setup(mockOptions: MockProviderOptions = {}, adapterOptions: Partial<OpenAIOptions> = {}) {
  mock = await startMockProvider({ apiKey: KEY, text: 'Hello there from the mock', ...mockOptions });
  adapter = openai({ baseURL: mock.url, apiKey: KEY, name: 'primary', ...adapterOptions });
  return { mock, adapter };
}

function call(signal: AbortSignal = new AbortController().signal): AdapterCall & { infos: ResponseInfo[] } {
  const infos: ResponseInfo[] = [];
  return { signal, metadata: {}, infos, onResponse: (info) => infos.push(info) };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

async function failure(p: Promise<unknown>): Promise<LifelineError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifelineError);
  return err as LifelineError;
}

function expectNoKey(err: LifelineError): void {
  for (const t of [err.message, String(err), JSON.stringify(err), JSON.stringify(err.toJSON()), err.stack ?? '']) expect(t).not.toContain(KEY);
}

describe('openai() chat', () => {
  it('returns the completion, sends no stream fields, and reports the head', async () => {
    await setup({ rateLimit: { limitRequests: 500, remainingRequests: 499, resetRequestsMs: 120 } });
    const c = call();
    const res = await adapter!.chat({ ...REQ, stream: true, stream_options: { include_usage: true } }, c);
    expect(res.choices[0]!.message.content).toBe('Hello there from the mock');
    expect(res.object).toBe('chat.completion');
    expect(res.usage).toMatchObject({ completion_tokens: 5 });
    const body = mock!.requests[0]!.body as Record<string, unknown>;
    expect(body).toEqual({ model: 'gpt-mock', messages: REQ.messages });
    expect(mock!.requests[0]!.headers.authorization).toBe('[redacted]');
    expect(c.infos).toHaveLength(1);
    expect(c.infos[0]).toMatchObject({ status: 200, requestId: expect.stringMatching(/\S/), rateLimit: { limitRequests: 500, remainingRequests: 499 } });
    expect(c.infos[0]!.rateLimit!.resetRequestsAt).toBeGreaterThan(Date.now() - 1_000);
  });

  it('reads a body with blank lines before the JSON (DeepSeek under load)', async () => {
    await setup({ script: [{ leadingBlankLines: 5 }] });
    expect((await adapter!.chat(REQ, call())).choices[0]!.message.content).toBe('Hello there from the mock');
  });

  it('turns an HTTP 200 error body into the mapped error (OpenRouter)', async () => {
    await setup({ script: [{ errorBody200: { code: 502, message: 'Upstream provider down' } }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 502, retryable: true, provider: 'primary' });
    expect(err.message).toBe('openai primary: 200 with an error body — Upstream provider down');
  });

  it('turns malformed JSON into a retryable ServerError', async () => {
    await setup({ script: [{ malformedJson: true }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 200, retryable: true });
    expect(err.message).toBe('openai primary: 200 with a body that is not valid JSON');
  });

  it('maps a TCP reset to ConnectionError', async () => {
    await setup({ script: [{ reset: true }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/^openai primary: connection failed — /);
  });

  it('raises TimeoutError kind headers on a hang, at headersTimeoutMs to the millisecond', async () => {
    // Fake timers (the sockets stay real): the limit is our precise timer, not undici's ±1 s one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await setup({ script: [{ hang: true }] }, { headersTimeoutMs: 200 });
    const pending = watch(failure(adapter!.chat(REQ, call())));
    await turnsUntil(() => mock!.requests.length === 1, 'the request');
    const err = await settlesAfter(pending, 200, 'the headers timeout');
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ kind: 'headers', timeoutMs: 200, retryable: true });
    expect(err.message).toBe('openai primary: no response head within 200 ms (headersTimeoutMs)');
  });

  it('rejects with the abort reason when aborted while waiting', async () => {
    await setup({ script: [{ hang: true }] });
    const ac = new AbortController();
    const pending = adapter!.chat(REQ, call(ac.signal));
    while (mock!.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    ac.abort();
    const err = await failure(pending);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.provider).toBe('primary');
  });
});

describe('openai() errors', () => {
  it.each([
    ['rate_limit', RateLimitError, 429, true, 1_000, 'rate_limit_exceeded'],
    ['insufficient_quota', RateLimitError, 429, false, undefined, 'insufficient_quota'],
    ['quota_per_day', RateLimitError, 429, true, 30_960_000, 'rate_limit_exceeded'],
    ['context_length_exceeded', ContextLengthError, 400, false, undefined, 'context_length_exceeded'],
    ['content_policy', ContentFilterError, 400, false, undefined, 'invalid_prompt'],
    ['overloaded', ServerError, 503, true, undefined, 'server_error'],
    ['server_error', ServerError, 500, true, undefined, 'server_error'],
    ['unavailable', ServerError, 503, true, undefined, 'server_error'],
    ['timeout', ServerError, 504, true, undefined, 'server_error'],
    ['invalid_api_key', AuthenticationError, 401, false, undefined, 'invalid_api_key'],
    ['model_not_found', BadRequestError, 404, false, undefined, 'model_not_found'],
  ] as const)('maps preset %s to %o', async (preset, cls, status, retryable, retryAfterMs, providerCode) => {
    await setup({ script: [{ preset, requestId: 'req_mock_1' }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, retryable, retryAfterMs, providerCode, requestId: 'req_mock_1', provider: 'primary' });
    expect(err.message.startsWith(`openai primary: ${status} ${providerCode} — `)).toBe(true);
    expectNoKey(err);
  });

  it('reads the rate-limit message the way users see it', async () => {
    await setup({ script: [{ preset: 'rate_limit' }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err.message).toBe(
      'openai primary: 429 rate_limit_exceeded — Rate limit reached for gpt-mock in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more. (retry after 1000 ms)',
    );
  });

  it('prefers retry-after-ms, then retry-after (seconds or HTTP-date), and honours x-should-retry', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    await setup({
      script: [
        { status: 429, retryAfter: 7, retryAfterMs: 1500 },
        { status: 429, retryAfter: 2 },
        { status: 503, retryAfter: date },
        { status: 503, shouldRetry: false },
        { status: 400, shouldRetry: true },
      ],
    });
    const a = await failure(adapter!.chat(REQ, call()));
    expect(a.retryAfterMs).toBe(1500);
    const b = await failure(adapter!.chat(REQ, call()));
    expect(b.retryAfterMs).toBe(2000);
    const c = await failure(adapter!.chat(REQ, call()));
    expect(c.retryAfterMs).toBeGreaterThan(28_000);
    expect(c.retryAfterMs).toBeLessThanOrEqual(30_000);
    const d = await failure(adapter!.chat(REQ, call()));
    expect(d).toBeInstanceOf(ServerError);
    expect(d.retryable).toBe(false);
    const e = await failure(adapter!.chat(REQ, call()));
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.retryable).toBe(true);
  });

  it('never leaks the key a provider echoes back', async () => {
    await setup({ script: [{ status: 401, error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } }] });
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe('openai primary: 401 invalid_api_key — Incorrect API key provided: [redacted].');
    expectNoKey(err);
  });

  it('names a wrong key without leaking it', async () => {
    mock = await startMockProvider({ apiKey: 'the-right-key' });
    adapter = openai({ baseURL: mock.url, apiKey: KEY });
    const err = await failure(adapter.chat(REQ, call()));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/^openai: 401 invalid_api_key — Incorrect API key provided: \*+ghij\./);
    expectNoKey(err);
  });

  it('rejects stream() itself on an HTTP error, before any iteration', async () => {
    await setup({ script: [{ preset: 'overloaded' }] });
    const err = await failure(adapter!.stream(REQ, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.status).toBe(503);
  });
});

describe('openai() keep-alive and close', () => {
  it('sends sequential chats and streams over one socket', async () => {
    await setup();
    let connects = 0;
    const onConnect = (msg: unknown) => {
      if ((msg as { connectParams: { port: string } }).connectParams.port === String(mock!.port)) connects++;
    };
    subscribe('undici:client:connected', onConnect);
    try {
      for (let i = 0; i < 4; i++) await adapter!.chat(REQ, call());
      for (let i = 0; i < 3; i++) await collect(await adapter!.stream(REQ, call()));
    } finally {
      unsubscribe('undici:client:connected', onConnect);
    }
    expect(mock!.requests).toHaveLength(7);
    expect(connects).toBe(1);
    expect(adapter!.stats()).toMatchObject({ connected: 1, running: 0 });
  });

  it('close() destroys the pooled sockets and refuses later calls', async () => {
    await setup();
    const sockets: Socket[] = [];
    const onConnect = (msg: unknown) => {
      const m = msg as { connectParams: { port: string }; socket: Socket };
      if (m.connectParams.port === String(mock!.port)) sockets.push(m.socket);
    };
    subscribe('undici:client:connected', onConnect);
    try {
      await adapter!.chat(REQ, call());
      await collect(await adapter!.stream(REQ, call()));
    } finally {
      unsubscribe('undici:client:connected', onConnect);
    }
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.destroyed).toBe(false);
    await adapter!.close();
    expect(sockets[0]!.destroyed).toBe(true);
    expect(adapter!.stats()).toBeUndefined();
    const err = await failure(adapter!.chat(REQ, call()));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('http: the adapter was closed; create a new one to send more requests');
  });
});

describe('openai() streaming', () => {
  it('streams text, adds include_usage, and ends with the usage chunk', async () => {
    await setup();
    const chunks = await collect(await adapter!.stream(REQ, call()));
    expect(text(chunks)).toBe('Hello there from the mock');
    const body = mock!.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 5 });
    expect(chunks.filter((c) => c.usage).length).toBe(1);
  });

  it('does not send stream_options with includeUsage: false', async () => {
    await setup({}, { includeUsage: false });
    const chunks = await collect(await adapter!.stream(REQ, call()));
    expect(mock!.requests[0]!.body).not.toHaveProperty('stream_options');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('assembles tool-call deltas', async () => {
    await setup({ script: [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' }, id: 'call_1' }] } }] });
    const asm = new ResponseAssembler();
    for await (const c of await adapter!.stream(REQ, call())) asm.push(c);
    const res = asm.finish();
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(res.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
    ]);
    expect(res.usage).toBeDefined();
  });

  it('tolerates keep-alive comments', async () => {
    await setup({ script: [{ stream: { keepAliveComments: 'OPENROUTER PROCESSING' } }] });
    expect(text(await collect(await adapter!.stream(REQ, call())))).toBe('Hello there from the mock');
  });

  it('completes normally without [DONE] after a finish_reason', async () => {
    await setup({ script: [{ stream: { noDone: true } }] });
    const chunks = await collect(await adapter!.stream(REQ, call()));
    expect(text(chunks)).toBe('Hello there from the mock');
    expect(chunks.at(-1)!.usage).toBeDefined();
  });

  it('raises StreamInterruptedError when the stream is cut', async () => {
    await setup({ script: [{ stream: { cutAfter: 2 } }] });
    const seen: ChatChunk[] = [];
    const err = await failure((async () => {
      for await (const c of await adapter!.stream(REQ, call())) seen.push(c);
    })());
    expect(text(seen)).toBe('Hello there');
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ retryable: true, contentDelivered: true, provider: 'primary', requestId: expect.any(String) });
    expect(err.message).toMatch(/^openai primary: stream cut — connection failed — /);
  });

  it('raises StreamInterruptedError on a malformed chunk', async () => {
    await setup({ script: [{ stream: { malformedAfter: 1 } }] });
    const err = await failure(collect(await adapter!.stream(REQ, call())));
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ retryable: true, contentDelivered: true });
    expect(err.message).toMatch(/^openai primary: malformed chunk in stream — \{"id":"chatcmpl-mock/);
  });

  it('raises the mapped class for an in-band error event', async () => {
    await setup({ script: [{ stream: { errorAfter: 1 } }] });
    const err = await failure(collect(await adapter!.stream(REQ, call())));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ retryable: true, providerCode: 'server_error', status: undefined });
    expect(err.message).toBe('openai primary: error in stream server_error — The server had an error while processing your request. Sorry about that!');
  });

  it('rejects promptly with the abort reason on a stall and releases the socket', async () => {
    await setup({ script: [{ stream: { stallAfter: 1 } }] });
    const ac = new AbortController();
    const it = (await adapter!.stream(REQ, call(ac.signal)))[Symbol.asyncIterator]();
    let r = await it.next();
    while (!r.done && !r.value.choices[0]?.delta.content) r = await it.next();
    const pending = it.next();
    const reason = new TimeoutError('Timeout: stream went silent for 10 ms (idleMs) from primary', { kind: 'idle', timeoutMs: 10, provider: 'primary' });
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await turnsUntil(() => adapter!.stats()?.connected === 0, 'the socket closed');
  });

  it('closes the socket when the consumer stops early', async () => {
    await setup({ script: [{ stream: { chunkDelayMs: 20 } }] });
    for await (const c of await adapter!.stream(REQ, call())) {
      if (c.choices[0]?.delta.content) break;
    }
    await turnsUntil(() => adapter!.stats()?.connected === 0, 'the socket closed');
  });
});
