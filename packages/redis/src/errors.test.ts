import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ConnectionError, LifelineError } from '@lifeline/core';
import { BudgetUnavailableError, RedisUnavailableError } from './errors.js';

describe('errors', () => {
  it('RedisUnavailableError is a retryable ConnectionError, told apart by its own brand', () => {
    const e = new RedisUnavailableError('RedisCacheStore: get failed');
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e).toBeInstanceOf(LifelineError);
    expect(e).toBeInstanceOf(RedisUnavailableError);
    expect(e).toMatchObject({ name: 'RedisUnavailableError', code: 'connection', retryable: true, message: 'RedisCacheStore: get failed' });
    expect(new ConnectionError('refused')).not.toBeInstanceOf(RedisUnavailableError);
  });

  it('BudgetUnavailableError is a retryable BudgetExceededError, told apart by its own brand', () => {
    const e = new BudgetUnavailableError('budget: unreachable', { scope: 'acme', retryAfterMs: 1000 });
    expect(e).toBeInstanceOf(BudgetExceededError);
    expect(e).toMatchObject({ name: 'BudgetUnavailableError', code: 'budget_exceeded', retryable: true, scope: 'acme', retryAfterMs: 1000 });
    expect(new BudgetExceededError('over')).not.toBeInstanceOf(BudgetUnavailableError);
    expect(e).not.toBeInstanceOf(RedisUnavailableError);
  });
});
