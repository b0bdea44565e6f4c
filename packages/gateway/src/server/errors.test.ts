import {
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  CircuitOpenError,
  ConfigurationError,
  ContextLengthError,
  FailoverError,
  RateLimitError,
  RateLimitExceededError,
  ServerError,
  TimeoutError,
} from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { allRateLimited, HttpError, toErrorResponse } from './errors.js';

const rl = (ms: number) => new RateLimitError(`primary: 429 slow down`, { provider: 'primary', status: 429, retryAfterMs: ms });

describe('toErrorResponse', () => {
  it('answers 429 with the shortest Retry-After when every target is rate-limited', () => {
    const err = new FailoverError('All 2 targets failed', { errors: [rl(5_000), new RateLimitExceededError('queue full', { retryAfterMs: 1_200 })], cause: rl(5_000) });
    expect(allRateLimited(err)).toBe(true);
    expect(toErrorResponse(err)).toEqual({
      status: 429,
      body: { error: { message: 'All 2 targets failed', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
      headers: { 'retry-after': '2', 'retry-after-ms': '1200' },
      internal: false,
    });
  });

  it('answers 503 with Retry-After when the remaining targets are behind open breakers', () => {
    const err = new FailoverError('All failed', { errors: [rl(9_000), new CircuitOpenError('Circuit breaker "backup/m" is open; next probe in 3000 ms', { retryAfterMs: 3_000 })] });
    expect(allRateLimited(err)).toBe(false);
    const r = toErrorResponse(err);
    expect([r.status, r.body.error.code, r.headers['retry-after']]).toEqual([503, 'circuit_open', '3']);
  });

  it('uses the most telling cause of a failover', () => {
    const timeout = new TimeoutError('Timeout: attempt did not finish within 10 ms (ms)', { kind: 'total' });
    expect(toErrorResponse(new FailoverError('x', { errors: [new ServerError('503'), timeout], cause: timeout })).status).toBe(504);
    expect(toErrorResponse(new FailoverError('x', { errors: [new ServerError('503')], cause: new ServerError('503') })).body.error).toEqual({ message: 'x', type: 'upstream_error', param: null, code: 'server' });
  });

  it('passes the caller\'s mistakes through as 4xx naming the field', () => {
    expect(toErrorResponse(new BadRequestError('Invalid request: messages[1].role must be …', { field: 'messages[1].role' })).body.error).toEqual({ message: 'Invalid request: messages[1].role must be …', type: 'invalid_request_error', param: 'messages[1].role', code: null });
    expect(toErrorResponse(new BadRequestError('model gone', { status: 404 })).status).toBe(404);
    expect(toErrorResponse(new ContextLengthError('too long', { status: 400 })).body.error).toMatchObject({ param: 'messages', code: 'context_length_exceeded' });
  });

  it('never blames the caller for the gateway\'s upstream credentials', () => {
    const r = toErrorResponse(new AuthenticationError('primary: 401 Incorrect API key provided', { provider: 'primary', status: 401 }));
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('upstream_authentication');
  });

  it('answers a budget refusal with 429 insufficient_quota and no retry', () => {
    const r = toErrorResponse(new BudgetExceededError('budget: tenant acme spent $25.00 of $25.00 today', { scope: 'acme' }));
    expect([r.status, r.body.error.type, r.headers['x-should-retry']]).toEqual([429, 'insufficient_quota', 'false']);
  });

  it('scrubs exact secrets and hides unknown errors', () => {
    expect(toErrorResponse(new ServerError('upstream echoed key relaysecret1234'), ['relaysecret1234']).body.error.message).toBe('upstream echoed key [redacted]');
    expect(toErrorResponse(new HttpError(400, 'bad relaysecret1234', 'invalid_request_error'), ['relaysecret1234']).body.error.message).toBe('bad [redacted]');
    const unknown = toErrorResponse(new TypeError('Cannot read properties of undefined'));
    expect(unknown).toEqual({ status: 500, body: { error: { message: 'Internal error in the Lifeline gateway; see its logs', type: 'server_error', param: null, code: 'internal_error' } }, headers: {}, internal: true });
    expect(toErrorResponse(new ConfigurationError('pipeline misconfigured')).internal).toBe(true);
  });
});
