import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from './fake-clock.js';
import { startMockProvider } from './server.js';
import { chat, jsonOf } from './test-utils.js';
import type { Flavor, MockProvider, PresetName } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

describe('error steps', () => {
  it('openai: status + retry hints + request id + custom headers', async () => {
    mock = await startMockProvider({
      script: [
        {
          status: 429,
          retryAfter: 2,
          retryAfterMs: 1500,
          shouldRetry: true,
          requestId: 'req_custom',
          headers: { 'x-extra': 'yes' },
          error: { message: 'slow down', code: 'rate_limit_exceeded', type: 'requests' },
        },
      ],
    });
    const res = await chat(mock);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1500');
    expect(res.headers.get('x-should-retry')).toBe('true');
    expect(res.headers.get('x-request-id')).toBe('req_custom');
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await jsonOf(res)).toEqual({
      error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('retryAfter may be an HTTP-date, sent verbatim', async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    mock = await startMockProvider({ flavor: 'anthropic', script: [{ status: 503, retryAfter: date }] });
    const res = await chat(mock);
    expect(res.headers.get('retry-after')).toBe(date);
  });

  it('anthropic: default bodies by status, request_id in body and header', async () => {
    mock = await startMockProvider({
      flavor: 'anthropic',
      script: [{ status: 529 }, { status: 500 }, { status: 429 }, { status: 400, error: { message: 'bad' } }],
    });
    const types: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await chat(mock);
      const body = await jsonOf(res);
      expect(body.type).toBe('error');
      expect(body.request_id).toBe(res.headers.get('request-id'));
      types.push([res.status, body.error]);
    }
    expect(types).toEqual([
      [529, { type: 'overloaded_error', message: 'Overloaded' }],
      [500, { type: 'api_error', message: 'Internal server error' }],
      [429, { type: 'rate_limit_error', message: expect.stringMatching(/^This request would exceed the rate limit/) }],
      [400, { type: 'invalid_request_error', message: 'bad' }],
    ]);
  });

  it('gemini: retry hints go in the body as RetryInfo, never as headers', async () => {
    mock = await startMockProvider({ flavor: 'gemini', script: [{ status: 503, retryAfterMs: 50 }, { status: 429, retryAfter: 2 }] });
    const r1 = await chat(mock);
    expect(r1.status).toBe(503);
    expect(r1.headers.get('retry-after')).toBeNull();
    expect(await jsonOf(r1)).toEqual({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' }],
      },
    });
    const b2 = await jsonOf(chat(mock));
    expect(b2.error.details.at(-1)).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' });
    expect(b2.error.message).toContain('Please retry in 2s.');
  });

  it('a raw body replaces the envelope', async () => {
    mock = await startMockProvider({ script: [{ status: 400, body: [{ error: { code: 400, message: 'array style' } }] }] });
    expect(await jsonOf(chat(mock))).toEqual([{ error: { code: 400, message: 'array style' } }]);
  });
});

type Expectation = [status: number, check: (body: any, headers: Headers) => void];

const PRESETS: Record<Flavor, Partial<Record<PresetName, Expectation>>> = {
  openai: {
    rate_limit: [
      429,
      (b, h) => {
        expect(b.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
        expect(b.error.message).toMatch(/^Rate limit reached for gpt-test in organization .* on requests per min \(RPM\)/);
        expect(h.get('x-ratelimit-limit-requests')).toBe('500');
        expect(h.get('x-ratelimit-remaining-requests')).toBe('0');
        expect(h.get('x-ratelimit-reset-requests')).toBe('1s');
        expect(h.get('x-ratelimit-limit-tokens')).toBe('30000');
        expect(h.get('x-ratelimit-reset-tokens')).toBe('2s');
      },
    ],
    insufficient_quota: [429, (b) => expect(b.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' })],
    quota_per_day: [
      429,
      (b, h) => {
        expect(b.error.message).toContain('requests per day (RPD)');
        expect(h.get('x-ratelimit-reset-requests')).toBe('8h36m0s');
      },
    ],
    context_length_exceeded: [
      400,
      (b) => expect(b.error).toMatchObject({ type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' }),
    ],
    content_policy: [400, (b) => expect(b.error.code).toBe('invalid_prompt')],
    overloaded: [503, (b) => expect(b.error.type).toBe('server_error')],
    server_error: [
      500,
      (b) =>
        expect(b.error).toEqual({
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        }),
    ],
    unavailable: [503, (b) => expect(b.error.message).toBe('The server is overloaded or not ready yet.')],
    invalid_api_key: [401, (b) => expect(b.error.code).toBe('invalid_api_key')],
    model_not_found: [404, (b) => expect(b.error).toMatchObject({ code: 'model_not_found', message: 'The model `gpt-test` does not exist or you do not have access to it.' })],
  },
  anthropic: {
    rate_limit: [
      429,
      (b, h) => {
        expect(b.error.type).toBe('rate_limit_error');
        expect(h.get('retry-after')).toBe('1');
        expect(h.get('anthropic-ratelimit-requests-limit')).toBe('50');
        expect(h.get('anthropic-ratelimit-requests-remaining')).toBe('0');
        expect(h.get('anthropic-ratelimit-requests-reset')).toBe('2025-01-15T14:24:00Z');
        expect(h.get('anthropic-ratelimit-tokens-reset')).toBe('2025-01-15T14:24:00Z');
      },
    ],
    insufficient_quota: [400, (b) => expect(b.error.message).toMatch(/^Your credit balance is too low/)],
    context_length_exceeded: [400, (b) => expect(b.error.message).toMatch(/^prompt is too long: \d+ tokens > 200000 maximum$/)],
    overloaded: [529, (b) => expect(b.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' })],
    server_error: [500, (b) => expect(b.error.type).toBe('api_error')],
    timeout: [504, (b) => expect(b.error.type).toBe('timeout_error')],
    model_not_found: [404, (b) => expect(b.error).toEqual({ type: 'not_found_error', message: 'model: claude-test' })],
    content_policy: [
      200,
      (b) => {
        expect(b.stop_reason).toBe('refusal');
        expect(b.content).toEqual([]);
      },
    ],
  },
  gemini: {
    rate_limit: [
      429,
      (b, h) => {
        expect(h.get('retry-after')).toBeNull();
        expect(b.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
        expect(b.error.message).toMatch(/^You exceeded your current quota/);
        const [quota, help, retry] = b.error.details;
        expect(quota['@type']).toBe('type.googleapis.com/google.rpc.QuotaFailure');
        expect(quota.violations[0].quotaId).toBe('GenerateRequestsPerMinutePerProjectPerModel-FreeTier');
        expect(help['@type']).toBe('type.googleapis.com/google.rpc.Help');
        expect(retry).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.8s' });
      },
    ],
    quota_per_day: [
      429,
      (b) => {
        expect(b.error.details[0].violations[0].quotaId).toBe('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
      },
    ],
    context_length_exceeded: [400, (b) => expect(b.error).toMatchObject({ status: 'INVALID_ARGUMENT', message: expect.stringMatching(/^The input token count/) })],
    overloaded: [503, (b) => expect(b.error).toMatchObject({ status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' })],
    server_error: [500, (b) => expect(b.error.status).toBe('INTERNAL')],
    timeout: [504, (b) => expect(b.error.status).toBe('DEADLINE_EXCEEDED')],
    invalid_api_key: [400, (b) => expect(b.error.details[0].reason).toBe('API_KEY_INVALID')],
    model_not_found: [404, (b) => expect(b.error.message).toMatch(/^models\/gemini-test is not found for API version v1beta/)],
  },
};

describe('presets produce each provider’s real status, body and headers', () => {
  for (const [flavor, presets] of Object.entries(PRESETS) as [Flavor, Record<string, Expectation>][]) {
    for (const [preset, [status, check]] of Object.entries(presets)) {
      it(`${flavor} ${preset} → ${status}`, async () => {
        const clock = fakeClock(Date.parse('2025-01-15T14:23:59Z'));
        mock = await startMockProvider({ flavor, clock, script: [{ preset: preset as PresetName }] });
        const res = await chat(mock);
        expect(res.status).toBe(status);
        check(await jsonOf(res), res.headers);
      });
    }
  }

  it('step fields override a preset (status, message, retry hints)', async () => {
    mock = await startMockProvider({
      flavor: 'anthropic',
      script: [{ preset: 'rate_limit', retryAfter: 0, retryAfterMs: 10, error: { message: 'custom' } }],
    });
    const res = await chat(mock);
    expect(res.headers.get('retry-after')).toBe('0');
    expect(res.headers.get('retry-after-ms')).toBe('10');
    expect((await jsonOf(res)).error).toEqual({ type: 'rate_limit_error', message: 'custom' });
  });

  it('gemini preset retry hint overrides RetryInfo', async () => {
    mock = await startMockProvider({ flavor: 'gemini', script: [{ preset: 'quota_per_day', retryAfterMs: 1234 }] });
    const body = await jsonOf(chat(mock));
    expect(body.error.details.at(-1).retryDelay).toBe('1.234s');
  });
});

describe('a step the mock cannot send', () => {
  it.each([
    ['a status Node refuses', { status: 1000 }, 'mock provider: the script step could not be sent: Invalid status code: 1000'],
    ['a raw status Node refuses', { raw: { body: '{}', status: 42 } }, 'mock provider: the script step could not be sent: Invalid status code: 42'],
    ['a header value Node refuses', { raw: { body: '{}', headers: { 'x-bad': 'line\nbreak' } } }, 'mock provider: the script step could not be sent: Invalid character in header content ["x-bad"]'],
  ] as const)('%s: answers 500 naming the problem, and keeps serving', async (_what, step, message) => {
    mock = await startMockProvider({ script: [step, 'ok'] });
    const res = await chat(mock);
    expect(res.status).toBe(500);
    expect(await jsonOf(res)).toEqual({ error: { message, type: 'mock_step_error', param: null, code: null } });
    expect((await chat(mock)).status).toBe(200);
  });
});
