import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  CircuitOpenError,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  FailoverError,
  isLifelineError,
  LifelineError,
  RateLimitError,
  RateLimitExceededError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from './errors.js';

describe('error classes: codes and shape', () => {
  it('each class has its own code', () => {
    const codes = [
      [new RateLimitError('x'), 'rate_limit'],
      [new AuthenticationError('x'), 'authentication'],
      [new BadRequestError('x'), 'bad_request'],
      [new ContextLengthError('x'), 'context_length'],
      [new ContentFilterError('x'), 'content_filter'],
      [new ServerError('x'), 'server'],
      [new TimeoutError('x'), 'timeout'],
      [new ConnectionError('x'), 'connection'],
      [new AbortError('x'), 'abort'],
      [new CircuitOpenError('x'), 'circuit_open'],
      [new BudgetExceededError('x'), 'budget_exceeded'],
      [new RateLimitExceededError('x'), 'rate_limit_exceeded'],
      [new StreamInterruptedError('x'), 'stream_interrupted'],
      [new FailoverError('x', { errors: [] }), 'failover'],
      [new ConfigurationError('x'), 'configuration'],
    ] as const;
    for (const [error, code] of codes) expect([error.name, error.code]).toEqual([error.constructor.name, code]);
  });

  it('toJSON has only the fields that are set', () => {
    expect(new ServerError('down').toJSON()).toStrictEqual({ name: 'ServerError', code: 'server', message: 'down', retryable: true });
    const full = new RateLimitError('slow', { provider: 'p', status: 429, retryAfterMs: 100, requestId: 'r', providerCode: 'rate_limit_exceeded', cause: new Error('c') });
    expect(full.toJSON()).toStrictEqual({ name: 'RateLimitError', code: 'rate_limit', message: 'slow', retryable: true, provider: 'p', status: 429, retryAfterMs: 100, requestId: 'r', providerCode: 'rate_limit_exceeded' });
  });

  it('has no cause unless one was given', () => {
    expect('cause' in new ServerError('x')).toBe(false);
    expect(new ServerError('x', { cause: 0 }).cause).toBe(0);
  });

  it('a spread copy is not a LifelineError (the brand is not enumerable)', () => {
    const copy = { ...new ServerError('x') };
    expect(copy instanceof LifelineError).toBe(false);
    expect(isLifelineError(copy)).toBe(false);
  });

  it('instanceof and isLifelineError are false for null and primitives', () => {
    for (const value of [null, undefined, 'x', 1]) {
      expect((value as unknown) instanceof LifelineError).toBe(false);
      expect(isLifelineError(value)).toBe(false);
    }
    expect(isLifelineError(new AbortError('x'))).toBe(true);
  });

  it('TimeoutError defaults to kind total; StreamInterruptedError says whether content was delivered', () => {
    expect(new TimeoutError('x').kind).toBe('total');
    expect(new StreamInterruptedError('x').contentDelivered).toBe(false);
    expect(new StreamInterruptedError('x', { contentDelivered: true }).contentDelivered).toBe(true);
  });
});
