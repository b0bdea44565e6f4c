import { describe, expect, it } from 'vitest';
import { parseRateLimit } from './rate-limit-headers.js';

const NOW = Date.UTC(2025, 0, 15, 14, 0, 0);

describe('parseRateLimit', () => {
  it('reads OpenAI x-ratelimit-* headers, resets as Go durations', () => {
    expect(
      parseRateLimit(
        {
          'x-ratelimit-limit-requests': '500',
          'x-ratelimit-remaining-requests': '499',
          'x-ratelimit-reset-requests': '120ms',
          'x-ratelimit-limit-tokens': '30000',
          'x-ratelimit-remaining-tokens': '29000',
          'x-ratelimit-reset-tokens': '2s',
        },
        NOW,
      ),
    ).toEqual({
      limitRequests: 500,
      remainingRequests: 499,
      resetRequestsAt: NOW + 120,
      limitTokens: 30_000,
      remainingTokens: 29_000,
      resetTokensAt: NOW + 2_000,
    });
  });

  it('reads Anthropic anthropic-ratelimit-* headers, resets as RFC 3339', () => {
    expect(
      parseRateLimit(
        {
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '49',
          'anthropic-ratelimit-requests-reset': '2025-01-15T14:00:01Z',
          'anthropic-ratelimit-tokens-limit': '80000',
          'anthropic-ratelimit-tokens-remaining': '79000',
          'anthropic-ratelimit-tokens-reset': '2025-01-15T14:00:30Z',
          'anthropic-ratelimit-input-tokens-remaining': '1',
        },
        NOW,
      ),
    ).toEqual({
      limitRequests: 50,
      remainingRequests: 49,
      resetRequestsAt: NOW + 1_000,
      limitTokens: 80_000,
      remainingTokens: 79_000,
      resetTokensAt: NOW + 30_000,
    });
  });

  it('falls back to Anthropic input-token headers when tokens-* is absent', () => {
    expect(
      parseRateLimit({ 'anthropic-ratelimit-input-tokens-limit': '40000', 'anthropic-ratelimit-input-tokens-remaining': '0' }, NOW),
    ).toEqual({ limitTokens: 40_000, remainingTokens: 0 });
  });

  it('drops Azure -1 placeholders and non-numbers', () => {
    expect(parseRateLimit({ 'x-ratelimit-limit-requests': '-1', 'x-ratelimit-remaining-requests': 'n/a', 'x-ratelimit-remaining-tokens': '7' }, NOW)).toEqual({
      remainingTokens: 7,
    });
  });

  it('returns undefined when there is no rate-limit header', () => {
    expect(parseRateLimit({ 'content-type': 'application/json' }, NOW)).toBeUndefined();
  });
});
