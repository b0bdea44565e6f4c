import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ContentFilterError,
  ContextLengthError,
  LifelineError,
  RateLimitError,
  ServerError,
} from '@lifeline/core';
import { classifyError, httpError } from './errors.js';

const KEY = 'sk-test-abcdefghijklmnop1234';
const base = { provider: 'primary', label: 'openai primary', secrets: [KEY], now: Date.UTC(2025, 0, 1) };
const openaiBody = (code: string | null, message: string, type = 'invalid_request_error', param: string | null = null) =>
  JSON.stringify({ error: { message, type, param, code } });

describe('httpError', () => {
  it('maps a 429 with retry-after-ms, request id and provider code', () => {
    const err = httpError({
      ...base,
      status: 429,
      headers: { 'retry-after-ms': '2000', 'retry-after': '9', 'x-request-id': 'req_abc' },
      body: openaiBody('rate_limit_exceeded', 'Rate limit reached for requests', 'requests'),
    });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toBe('openai primary: 429 rate_limit_exceeded — Rate limit reached for requests (retry after 2000 ms)');
    expect(err).toMatchObject({ provider: 'primary', status: 429, retryable: true, retryAfterMs: 2000, requestId: 'req_abc', providerCode: 'rate_limit_exceeded' });
  });

  it('makes insufficient_quota 429 not retryable', () => {
    const err = httpError({ ...base, status: 429, headers: {}, body: openaiBody('insufficient_quota', 'You exceeded your current quota', 'insufficient_quota') });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('openai primary: 429 insufficient_quota — You exceeded your current quota');
  });

  it('makes a Google per-day quota 429 not retryable and reads RetryInfo', () => {
    const body = JSON.stringify({
      error: {
        code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.5s' },
        ],
      },
    });
    const err = httpError({ ...base, label: 'gemini', status: 429, headers: {}, body });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryable: false, retryAfterMs: 45_500, providerCode: 'RESOURCE_EXHAUSTED' });
    expect(err.message).toBe('gemini: 429 RESOURCE_EXHAUSTED — Quota exceeded (retry after 45500 ms)');
  });

  it('reads the hint in an OpenAI rate-limit message when there is no header', () => {
    const err = httpError({ ...base, status: 429, headers: {}, body: openaiBody('rate_limit_exceeded', 'Limit reached. Please try again in 20.5s.') });
    expect(err.retryAfterMs).toBe(20_500);
  });

  it('falls back to the OpenAI reset headers on a 429', () => {
    const err = httpError({
      ...base, status: 429, body: '',
      headers: { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '6m0s' },
    });
    expect(err.retryAfterMs).toBe(360_000);
    expect(err.message).toBe('openai primary: 429 — Too Many Requests (retry after 360000 ms)');
  });

  it.each([
    [401, 'invalid_api_key', AuthenticationError, false],
    [403, null, AuthenticationError, false],
    [400, null, BadRequestError, false],
    [404, 'model_not_found', BadRequestError, false],
    [413, null, BadRequestError, false],
    [422, null, BadRequestError, false],
    [405, null, BadRequestError, false],
    [402, null, RateLimitError, false],
    [408, null, ServerError, true],
    [409, null, ServerError, true],
    [500, 'server_error', ServerError, true],
    [502, null, ServerError, true],
    [503, null, ServerError, true],
    [504, null, ServerError, true],
    [529, null, ServerError, true],
  ] as const)('maps %d (%s) to %s, retryable %s', (status, code, cls, retryable) => {
    const err = httpError({ ...base, status, headers: {}, body: openaiBody(code, 'something failed') });
    expect(err).toBeInstanceOf(cls);
    expect(err.constructor).toBe(cls);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(status);
    expect(err.message).toBe(`openai primary: ${status} ${code ?? 'invalid_request_error'} — something failed`);
  });

  it('lets x-should-retry override the status either way', () => {
    const no = httpError({ ...base, status: 503, headers: { 'x-should-retry': 'false' }, body: '' });
    expect(no).toBeInstanceOf(ServerError);
    expect(no.retryable).toBe(false);
    const yes = httpError({ ...base, status: 400, headers: { 'x-should-retry': 'true' }, body: '' });
    expect(yes).toBeInstanceOf(BadRequestError);
    expect(yes.retryable).toBe(true);
    const quota = httpError({ ...base, status: 429, headers: { 'x-should-retry': 'true' }, body: openaiBody('insufficient_quota', 'q') });
    expect(quota.retryable).toBe(true);
  });

  it('maps context_length_exceeded and context-window messages to ContextLengthError', () => {
    const a = httpError({ ...base, status: 400, headers: {}, body: openaiBody('context_length_exceeded', "This model's maximum context length is 8192 tokens", 'invalid_request_error', 'messages') });
    expect(a).toBeInstanceOf(ContextLengthError);
    expect(a).toBeInstanceOf(BadRequestError);
    expect(a.retryable).toBe(false);
    expect((a as ContextLengthError).field).toBe('messages');
    expect(a.message).toBe("openai primary: 400 context_length_exceeded — This model's maximum context length is 8192 tokens (param: messages)");
    const b = httpError({ ...base, label: 'anthropic', status: 400, headers: {}, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }) });
    expect(b).toBeInstanceOf(ContextLengthError);
    const c = httpError({ ...base, status: 500, headers: {}, body: openaiBody(null, 'context window exceeded while processing', 'server_error') });
    expect(c).toBeInstanceOf(ServerError);
  });

  it('maps content policy errors to ContentFilterError', () => {
    const a = httpError({ ...base, status: 400, headers: {}, body: openaiBody('content_policy_violation', 'Your request was rejected by the safety system') });
    expect(a).toBeInstanceOf(ContentFilterError);
    expect(a.retryable).toBe(false);
    const b = httpError({ ...base, status: 400, headers: {}, body: openaiBody('content_filter', 'filtered') });
    expect(b).toBeInstanceOf(ContentFilterError);
    const d = httpError({ ...base, status: 400, headers: {}, body: openaiBody('invalid_prompt', 'Invalid prompt: your prompt was flagged as potentially violating our usage policy.') });
    expect(d).toBeInstanceOf(ContentFilterError);
    expect(d.message).toBe('openai primary: 400 invalid_prompt — Invalid prompt: your prompt was flagged as potentially violating our usage policy.');
    const c = httpError({ ...base, status: 403, headers: {}, body: JSON.stringify({ error: { code: 403, message: 'Input was flagged', metadata: { reasons: ['hate'] } } }) });
    expect(c).toBeInstanceOf(ContentFilterError);
  });

  it('sets BadRequestError.field from param', () => {
    const err = httpError({ ...base, status: 400, headers: {}, body: openaiBody(null, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'invalid_request_error', 'stream_options') });
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).field).toBe('stream_options');
  });

  it('reads an HTML gateway page', () => {
    const err = httpError({ ...base, status: 502, headers: {}, body: '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>' });
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('openai primary: 502 — 502 Bad Gateway nginx');
  });

  it('does not retry a redirect (undici follows none)', () => {
    const err = httpError({ ...base, status: 301, headers: { location: 'https://elsewhere/v1' }, body: '<html><body>Moved</body></html>' });
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 301, retryable: false });
    expect(err.message).toBe('openai primary: 301 — Moved');
  });

  it('bounds very long messages', () => {
    const err = httpError({ ...base, status: 500, headers: {}, body: 'x'.repeat(50_000) });
    expect(err.message.length).toBeLessThanOrEqual(1_000);
    expect(err.message.endsWith('…')).toBe(true);
  });

  it('never lets the API key reach message, toJSON or String()', () => {
    const err = httpError({
      ...base, status: 401, headers: { 'x-request-id': 'req_1' },
      body: openaiBody('invalid_api_key', `Incorrect API key provided: ${KEY}. You can find your API key at https://x?key=${KEY}`),
    });
    expect(err).toBeInstanceOf(AuthenticationError);
    for (const text of [err.message, JSON.stringify(err), JSON.stringify(err.toJSON()), String(err), err.stack ?? '']) {
      expect(text).not.toContain(KEY);
    }
    expect(err.message).toBe('openai primary: 401 invalid_api_key — Incorrect API key provided: [redacted]. You can find your API key at https://x?key=[redacted]');
  });

  it('redacts a key that does not look like one', () => {
    const key = 'plain-secret-value-42';
    const err = httpError({ ...base, secrets: [key], status: 401, headers: {}, body: `bad key ${key}` });
    expect(err.message).toBe('openai primary: 401 — bad key [redacted]');
  });
});

describe('classifyError for in-band errors', () => {
  it('maps an in-stream server_error to a retryable ServerError without a status', () => {
    const err = classifyError({ ...base, status: undefined, source: 'stream', info: { message: 'The server had an error', type: 'server_error' } });
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ retryable: true, status: undefined, providerCode: 'server_error' });
    expect(err.message).toBe('openai primary: error in stream server_error — The server had an error');
  });

  it('uses an OpenRouter numeric code as the status of a 200 error body', () => {
    const err = classifyError({ ...base, status: 200, source: 'body', info: { message: 'Upstream error', status: 429 } });
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.status).toBe(429);
    expect(err.message).toBe('openai primary: 200 with an error body — Upstream error');
  });

  it('infers the class from the error type', () => {
    expect(classifyError({ ...base, status: undefined, source: 'stream', info: { type: 'overloaded_error', message: 'Overloaded' } })).toBeInstanceOf(ServerError);
    expect(classifyError({ ...base, status: undefined, source: 'stream', info: { type: 'invalid_request_error' } })).toBeInstanceOf(BadRequestError);
    expect(classifyError({ ...base, status: undefined, source: 'stream', info: { code: 'rate_limit_exceeded' } })).toBeInstanceOf(RateLimitError);
    const unknown = classifyError({ ...base, status: undefined, source: 'stream', info: { message: '?' } });
    expect(unknown).toBeInstanceOf(ServerError);
    expect(unknown.retryable).toBe(true);
    expect(unknown).toBeInstanceOf(LifelineError);
  });
});
