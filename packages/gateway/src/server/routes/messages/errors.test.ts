import { AuthenticationError, BadRequestError, BudgetExceededError, CircuitOpenError, FailoverError, RateLimitError, ServerError, TimeoutError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { HttpError, toErrorResponse } from '../../errors.js';
import { anthropicError } from './errors.js';

const answer = (err: unknown) => anthropicError(toErrorResponse(err), 'req-1');

describe('anthropicError', () => {
  it('answers in Anthropic’s shape with request-id', () => {
    expect(answer(new HttpError(401, 'Incorrect API key provided', 'invalid_request_error', null, 'invalid_api_key'))).toEqual({
      status: 401,
      body: { type: 'error', error: { type: 'authentication_error', message: 'Incorrect API key provided' }, request_id: 'req-1' },
      headers: { 'request-id': 'req-1' },
    });
  });

  it('maps each situation to the status the Anthropic SDKs type', () => {
    const cases: Array<[unknown, number, string]> = [
      [new BadRequestError('bad', { status: 400 }), 400, 'invalid_request_error'],
      [new BadRequestError('gone', { status: 404 }), 404, 'not_found_error'],
      [new BadRequestError('big', { status: 413 }), 413, 'request_too_large'],
      [new RateLimitError('slow down', { status: 429, retryAfterMs: 2_000 }), 429, 'rate_limit_error'],
      [new BudgetExceededError('budget spent', { scope: 'acme' }), 429, 'rate_limit_error'],
      [new ServerError('upstream 500', { status: 500 }), 529, 'overloaded_error'],
      [new FailoverError('Every failover target failed (2)', { errors: [new ServerError('a'), new ServerError('b')] }), 529, 'overloaded_error'],
      [new CircuitOpenError('open', { retryAfterMs: 3_000 }), 529, 'overloaded_error'],
      [new AuthenticationError('upstream 401', { status: 401 }), 502, 'api_error'],
      [new TimeoutError('too slow', { kind: 'total' }), 504, 'timeout_error'],
      [new TypeError('bug'), 500, 'api_error'],
    ];
    for (const [err, status, type] of cases) {
      const a = answer(err);
      expect([a.status, (a.body as { error: { type: string } }).error.type]).toEqual([status, type]);
    }
  });

  it('keeps the retry hints', () => {
    expect(answer(new RateLimitError('slow down', { status: 429, retryAfterMs: 2_500 })).headers).toEqual({ 'retry-after': '3', 'retry-after-ms': '2500', 'request-id': 'req-1' });
    expect(answer(new CircuitOpenError('open', { retryAfterMs: 3_000 })).headers).toMatchObject({ 'retry-after': '3' });
    expect(answer(new BudgetExceededError('budget spent', { scope: 'acme' })).headers).toMatchObject({ 'x-should-retry': 'false' });
  });
});
