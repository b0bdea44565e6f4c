import { AuthenticationError, CircuitOpenError, ConfigurationError, ConnectionError, FailoverError, RateLimitError, ServerError, TimeoutError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { describeFailure, failoverError, mostTelling, rankError } from './aggregate.js';

const s503 = new ServerError('down', { status: 503 });
const auth = new AuthenticationError('bad key', { status: 401 });
const r429 = (ms?: number) => new RateLimitError('slow down', { status: 429, retryAfterMs: ms });
const reset = new ConnectionError('ECONNRESET');
const inBand = new ServerError('Overloaded'); // an in-band stream error: no status
const slow = new TimeoutError('slow', { kind: 'total', timeoutMs: 100 });
const open = new CircuitOpenError('open', { retryAfterMs: 4_000 });
const foreign = new TypeError('boom');

describe('error ranking', () => {
  it('ranks provider answers with a status first, then rate limits, connection/in-band, timeouts, open circuits, foreign errors', () => {
    expect([s503, auth, r429(), reset, inBand, slow, open, foreign].map(rankError)).toEqual([0, 0, 1, 2, 2, 3, 4, 5]);
  });

  it('picks the most telling error, not the last one', () => {
    expect(mostTelling([slow, open, s503, reset])).toBe(s503);
    expect(mostTelling([open, slow])).toBe(slow);
    expect(mostTelling([foreign, open])).toBe(open);
    expect(mostTelling([auth, s503])).toBe(auth);
    expect(mostTelling([])).toBeUndefined();
  });

  it('among rate limits, the shortest Retry-After wins (no hint ranks last)', () => {
    const [a, b, c] = [r429(), r429(9_000), r429(2_000)];
    expect(mostTelling([a, b, c])).toBe(c);
    expect(mostTelling([open, a])).toBe(a);
  });
});

describe('failoverError()', () => {
  it('lists every target as `target: code status`', () => {
    const err = failoverError([
      { target: 'a', error: s503 },
      { target: 'b', error: slow },
      { target: 'c', error: foreign },
      { target: 'd', error: new ConfigurationError('next() called twice') },
      { target: 'e', error: open, skipped: true },
    ]);
    expect(err).toBeInstanceOf(FailoverError);
    expect(err.message).toBe('Every failover target failed (5): a: server 503; b: timeout (total); c: TypeError; d: configuration (next() called twice); e: skipped (unavailable) (retry after 4000 ms)');
    expect(err.errors).toEqual([s503, slow, foreign, expect.any(ConfigurationError), open]);
    expect(err.cause).toBe(s503);
    expect(err.status).toBe(503);
  });

  it('retryAfterMs only when every failure is a rate limit or an open circuit', () => {
    expect(failoverError([{ target: 'a', error: r429(5_000) }, { target: 'b', error: open }]).retryAfterMs).toBe(4_000);
    expect(failoverError([{ target: 'a', error: r429(5_000) }, { target: 'b', error: s503 }]).retryAfterMs).toBeUndefined();
    expect(failoverError([{ target: 'a', error: r429() }]).retryAfterMs).toBeUndefined();
  });

  it('retryable when any failure was retryable or an open circuit', () => {
    expect(failoverError([{ target: 'a', error: auth }, { target: 'b', error: s503 }]).retryable).toBe(true);
    expect(failoverError([{ target: 'a', error: auth }, { target: 'b', error: open }]).retryable).toBe(true);
    expect(failoverError([{ target: 'a', error: auth }, { target: 'b', error: foreign }]).retryable).toBe(false);
  });

  it('the error that stopped the walk is the cause', () => {
    const err = failoverError([{ target: 'a', error: s503 }, { target: 'b', error: auth }], auth);
    expect(err.message).toBe('Failover stopped on an error that another target would not fix: a: server 503; b: authentication 401');
    expect(err.cause).toBe(auth);
  });

  it('describes a failure briefly', () => {
    expect(describeFailure({ target: 'x', error: r429(1_500) })).toBe('x: rate_limit 429 (retry after 1500 ms)');
    expect(describeFailure({ target: 'x', error: 'a string' })).toBe('x: error');
  });
});
