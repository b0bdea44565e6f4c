import { describe, expect, it } from 'vitest';
import { extractProviderError, parseErrorText } from './provider-error.js';

describe('extractProviderError', () => {
  it('reads the OpenAI envelope', () => {
    expect(
      extractProviderError({ error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }),
    ).toEqual({ message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' });
  });

  it('reads the Anthropic envelope and its request_id', () => {
    expect(extractProviderError({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' })).toEqual({
      message: 'Overloaded',
      type: 'overloaded_error',
      requestId: 'req_1',
    });
  });

  it('reads the Google envelope: numeric code as status, RetryInfo, per-day QuotaFailure', () => {
    const info = extractProviderError({
      error: {
        code: 429,
        message: 'You exceeded your current quota',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58.2s' },
        ],
      },
    });
    expect(info).toEqual({ message: 'You exceeded your current quota', type: 'RESOURCE_EXHAUSTED', status: 429, retryDelayMs: 58_200, dailyQuota: true });
  });

  it('reads a Gemini-compat error array', () => {
    expect(extractProviderError([{ error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }])).toEqual({
      message: 'bad',
      type: 'INVALID_ARGUMENT',
      status: 400,
    });
  });

  it('reads OpenRouter numeric codes and moderation metadata', () => {
    expect(extractProviderError({ error: { code: 403, message: 'Input flagged', metadata: { reasons: ['violence'], flagged_input: 'x' } } })).toEqual({
      message: 'Input flagged',
      status: 403,
      moderation: true,
    });
  });

  it('reads the old flat vLLM error, keeping a non-status numeric code as a string', () => {
    expect(extractProviderError({ object: 'error', message: 'maximum context length is 4096', type: 'BadRequestError', param: null, code: 40001 })).toEqual({
      message: 'maximum context length is 4096',
      type: 'BadRequestError',
      code: '40001',
    });
  });

  it('reads string errors and FastAPI detail', () => {
    expect(extractProviderError({ error: 'Unauthorized' })).toEqual({ message: 'Unauthorized' });
    expect(extractProviderError({ error: 'rate_limited', message: 'slow down' })).toEqual({ message: 'slow down', code: 'rate_limited' });
    expect(extractProviderError({ detail: 'Not Found' })).toEqual({ message: 'Not Found' });
  });

  it('finds no error in a normal completion or a null error', () => {
    expect(extractProviderError({ id: 'chatcmpl-1', object: 'chat.completion', choices: [] })).toBeUndefined();
    expect(extractProviderError({ error: null, choices: [] })).toBeUndefined();
    expect(extractProviderError('text')).toBeUndefined();
    expect(extractProviderError([{ ok: true }])).toBeUndefined();
  });
});

describe('parseErrorText', () => {
  it('skips leading blank lines before JSON', () => {
    expect(parseErrorText('\n\n  {"error":{"message":"Insufficient Balance","type":"unknown_error"}}')).toEqual({
      message: 'Insufficient Balance',
      type: 'unknown_error',
    });
  });

  it('strips HTML from a proxy page', () => {
    expect(parseErrorText('<html><head><style>p{}</style><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>')).toEqual({
      message: '502 Bad Gateway 502 Bad Gateway',
    });
  });

  it('keeps truncated JSON as text and reads empty bodies as nothing', () => {
    expect(parseErrorText('{"error":{"mess')).toEqual({ message: '{"error":{"mess' });
    expect(parseErrorText('   ')).toEqual({});
  });
});
