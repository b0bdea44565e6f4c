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
  LifelineError,
  RateLimitError,
  RateLimitExceededError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
} from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { shouldFailover } from './classify.js';

describe('shouldFailover()', () => {
  it.each<[string, unknown, boolean]>([
    ['500', new ServerError('boom', { status: 500 }), true],
    ['529 overloaded', new ServerError('overloaded', { status: 529 }), true],
    ['503 with x-should-retry: false', new ServerError('down', { status: 503, retryable: false }), true],
    ['429', new RateLimitError('slow down', { status: 429, retryAfterMs: 2_000 }), true],
    ['quota exhausted', new RateLimitError('insufficient_quota', { status: 429, retryable: false }), true],
    ['401', new AuthenticationError('bad key', { status: 401 }), true],
    ['403', new AuthenticationError('forbidden', { status: 403 }), true],
    ['404 model not found', new BadRequestError('no such model', { status: 404 }), true],
    ['context length', new ContextLengthError('too long', { status: 400 }), true],
    ['timeout', new TimeoutError('slow', { kind: 'firstToken' }), true],
    ['connection reset', new ConnectionError('ECONNRESET'), true],
    ['open circuit', new CircuitOpenError('open'), true],
    ['local queue full below failover', new RateLimitExceededError('queue full'), true],
    ['stream broken before content', new StreamInterruptedError('cut', { contentDelivered: false }), true],
    ['a foreign error', new TypeError('fetch failed'), true],
    ['a retryable generic LifelineError', new LifelineError('x', { retryable: true }), true],
    ['400', new BadRequestError('bad', { status: 400 }), false],
    ['413', new BadRequestError('too large', { status: 413 }), false],
    ['422', new BadRequestError('unprocessable', { status: 422 }), false],
    ['content filter', new ContentFilterError('flagged'), false],
    ['abort', new AbortError('stop'), false],
    ['budget', new BudgetExceededError('over budget'), false],
    ['configuration', new ConfigurationError('oops'), false],
    ['a non-retryable generic LifelineError', new LifelineError('x'), false],
  ])('%s → %s', (_, error, expected) => {
    expect(shouldFailover(error)).toBe(expected);
  });
});
