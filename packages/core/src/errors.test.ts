import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  CircuitOpenError,
  ConnectionError,
  ContentFilterError,
  ContextLengthError,
  FailoverError,
  LifelineError,
  RateLimitError,
  ServerError,
  TimeoutError,
  isRetryable,
} from './errors.js';

describe('errors', () => {
  it('carry provider, status, retryable, retryAfterMs, requestId and cause', () => {
    const cause = new Error('socket hang up');
    const err = new RateLimitError('slow down', { provider: 'primary', status: 429, retryAfterMs: 2000, requestId: 'req_1', cause });
    expect(err).toBeInstanceOf(LifelineError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RateLimitError');
    expect(err.code).toBe('rate_limit');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(2000);
    expect(err.cause).toBe(cause);
    expect(err.requestId).toBe('req_1');
  });

  it('default retryable per class', () => {
    expect(new ServerError('x').retryable).toBe(true);
    expect(new ConnectionError('x').retryable).toBe(true);
    expect(new TimeoutError('x').retryable).toBe(true);
    expect(new BadRequestError('x').retryable).toBe(false);
    expect(new AuthenticationError('x').retryable).toBe(false);
    expect(new RateLimitError('quota', { retryable: false }).retryable).toBe(false);
  });

  it('ContextLengthError is a BadRequestError; ContentFilterError is not', () => {
    expect(new ContextLengthError('too long')).toBeInstanceOf(BadRequestError);
    expect(new ContentFilterError('no')).not.toBeInstanceOf(BadRequestError);
    expect(new BadRequestError('x')).not.toBeInstanceOf(ContextLengthError);
  });

  it('instanceof works across duplicated installs through the Symbol.for brand', () => {
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('lifeline.error'), { value: 'context_length' });
    expect(foreign).toBeInstanceOf(LifelineError);
    expect(foreign).toBeInstanceOf(BadRequestError);
    expect(foreign).toBeInstanceOf(ContextLengthError);
    expect(foreign).not.toBeInstanceOf(ServerError);
    expect(new Error('plain')).not.toBeInstanceOf(LifelineError);
  });

  it('never keeps an API key in the message or the JSON form', () => {
    const err = new AuthenticationError('Incorrect API key provided: sk-proj-abcdef1234567890. Bearer sk-abc12345678 key=AIzaSyA1234567890abcdefghijkl', {
      provider: 'primary',
      status: 401,
      cause: { headers: { authorization: 'Bearer sk-secret-should-not-serialise' } },
    });
    const json = JSON.stringify(err);
    expect(err.message).toBe('Incorrect API key provided: [redacted] Bearer [redacted] key=[redacted]');
    expect(json).not.toContain('sk-');
    expect(json).not.toContain('AIza');
    expect(JSON.parse(json)).toEqual({ name: 'AuthenticationError', code: 'authentication', message: err.message, provider: 'primary', status: 401, retryable: false });
  });

  it('isRetryable follows the taxonomy and never retries aborts, open circuits or foreign errors', () => {
    expect(isRetryable(new ServerError('x', { status: 503 }))).toBe(true);
    expect(isRetryable(new RateLimitError('x'))).toBe(true);
    expect(isRetryable(new RateLimitError('quota', { retryable: false }))).toBe(false);
    expect(isRetryable(new TimeoutError('x'))).toBe(true);
    expect(isRetryable(new AbortError('x', { retryable: true }))).toBe(false);
    expect(isRetryable(new CircuitOpenError('x', { retryable: true }))).toBe(false);
    expect(isRetryable(new ContentFilterError('x'))).toBe(false);
    expect(isRetryable(new ContextLengthError('x'))).toBe(false);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
  });

  it('CircuitOpenError carries the key and state of the breaker that refused the call', () => {
    const err = new CircuitOpenError('Circuit breaker "primary/gpt-4.1" is open; next probe in 5000 ms', { provider: 'primary', retryAfterMs: 5_000, breakerKey: 'primary/gpt-4.1', breakerState: 'open' });
    expect([err.breakerKey, err.breakerState, err.retryAfterMs, err.code]).toEqual(['primary/gpt-4.1', 'open', 5_000, 'circuit_open']);
    expect(new CircuitOpenError('x').breakerKey).toBeUndefined();
  });

  it('FailoverError lists every attempt error', () => {
    const a = new ServerError('a down', { provider: 'a', status: 503 });
    const b = new TimeoutError('b slow', { provider: 'b' });
    const err = new FailoverError('all targets failed', { errors: [a, b], cause: a, retryable: true });
    expect(err.errors).toEqual([a, b]);
    expect(err.cause).toBe(a);
    expect(isRetryable(err)).toBe(true);
  });
});
