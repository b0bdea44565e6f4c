/**
 * The full recommended middleware stack the library benches run: fallbackResponse, cache (every
 * request a miss in the benches), meter, rateLimit, failover over two targets, retry,
 * circuitBreaker and timeout.
 */
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { fallbackResponse, timeout, type Adapter, type Middleware } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { meter } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { retry } from '@lifeline/retry';

export function recommendedStack(primary: Adapter, backup: Adapter): Middleware[] {
  return [
    fallbackResponse(),
    cache({ ttlMs: 600_000, staleIfErrorMs: 86_400_000 }),
    meter(),
    rateLimit({ rpm: 10_000_000 }),
    failover([primary, backup]),
    retry({ maxAttempts: 3 }),
    circuitBreaker(),
    timeout({ ms: 30_000 }),
  ];
}
