import { BudgetExceededError, FailoverError, ServerError } from '@lifeline/core';
import { BudgetUnavailableError, RedisUnavailableError } from '@lifeline/redis';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './errors.js';

describe('toErrorResponse: state store failures', () => {
  it('answers 503 budget_store_unavailable with Retry-After when the budget store cannot reach Redis', () => {
    const err = new BudgetUnavailableError('budget: the budget store cannot reach Redis (Redis is unavailable), so the spend of scope "gateway" cannot be checked', { scope: 'gateway', retryAfterMs: 1500 });
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(toErrorResponse(err)).toEqual({
      status: 503,
      body: { error: { message: err.message, type: 'service_unavailable', param: null, code: 'budget_store_unavailable' } },
      headers: { 'retry-after': '2', 'retry-after-ms': '1500' },
      internal: false,
    });
  });

  it('falls back to a 1 s hint when the error carries none, and still maps a spent budget to 429', () => {
    expect(toErrorResponse(new BudgetUnavailableError('budget: the budget store cannot reach Redis (x) to read the spend of scope "gateway"')).headers).toEqual({ 'retry-after': '1', 'retry-after-ms': '1000' });
    const spent = toErrorResponse(new BudgetExceededError('budget: scope "gateway" has spent its daily limit', { scope: 'gateway' }));
    expect([spent.status, spent.body.error.code, spent.headers]).toEqual([429, 'budget_exceeded', { 'x-should-retry': 'false' }]);
  });

  it('answers 503 store_unavailable for a store set to fail closed, also as the cause of a failover error', () => {
    const down = new RedisUnavailableError('rateLimit: Redis is unavailable and failMode is closed', { retryAfterMs: 1000 });
    expect(toErrorResponse(down)).toMatchObject({ status: 503, body: { error: { type: 'service_unavailable', code: 'store_unavailable' } }, headers: { 'retry-after': '1' } });
    const failover = new FailoverError('Every failover target failed (2)', { errors: [new ServerError('boom', { provider: 'a', status: 500 }), down], cause: down });
    expect(toErrorResponse(failover)).toMatchObject({ status: 503, body: { error: { message: 'Every failover target failed (2)', code: 'store_unavailable' } } });
  });

  it('scrubs the Redis password from the message when it is among the secrets', () => {
    const err = new BudgetUnavailableError('budget: cannot reach redis://app:hunter2-pw@cache:6379');
    expect(toErrorResponse(err, ['hunter2-pw']).body.error.message).toBe('budget: cannot reach redis://app:[redacted]@cache:6379');
  });
});
