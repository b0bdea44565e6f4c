import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = Date.UTC(2025, 0, 15, 14, 0, 0);

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms over retry-after and reset headers', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500.5', 'retry-after': '20', 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBe(1501);
  });

  it('accepts retry-after-ms of 0', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '0', 'retry-after': '20' }, NOW)).toBe(0);
  });

  it('reads retry-after as seconds, integer or decimal', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, NOW)).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after': '0.25' }, NOW)).toBe(250);
  });

  it('reads retry-after as an HTTP-date relative to now, clamped at 0', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 15 Jan 2025 14:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 15 Jan 2025 13:00:00 GMT' }, NOW)).toBe(0);
  });

  it('skips an unparsable retry-after-ms and retry-after', () => {
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': 'later' }, NOW)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-5', 'x-ratelimit-reset-requests': '1s' }, NOW)).toBe(1_000);
  });

  it('falls back to the reset of the exhausted OpenAI allowance (Go durations)', () => {
    const headers = {
      'x-ratelimit-remaining-requests': '12',
      'x-ratelimit-reset-requests': '12ms',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '2m59.56s',
    };
    expect(parseRetryAfter(headers, NOW)).toBe(179_560);
    expect(parseRetryAfter({ ...headers, 'x-ratelimit-remaining-tokens': '5', 'x-ratelimit-remaining-requests': '0' }, NOW)).toBe(12);
  });

  it('takes the later reset when no allowance says 0', () => {
    expect(parseRetryAfter({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' }, NOW)).toBe(360_000);
  });

  it('reads Anthropic RFC 3339 resets', () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2025-01-15T14:00:07Z',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'anthropic-ratelimit-tokens-reset': '2025-01-15T14:01:00Z',
    };
    expect(parseRetryAfter(headers, NOW)).toBe(7_000);
  });

  it('ignores reset headers when asked to', () => {
    expect(parseRetryAfter({ 'x-ratelimit-reset-requests': '1s' }, NOW, { resetHeaders: false })).toBeUndefined();
  });

  it('returns undefined without any hint', () => {
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });
});
