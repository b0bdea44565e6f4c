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

/** The factories the stack is built from: this build's, or another checkout's loaded by path. */
export interface StackModules {
  fallbackResponse: typeof fallbackResponse;
  cache: typeof cache;
  meter: typeof meter;
  rateLimit: typeof rateLimit;
  failover: typeof failover;
  retry: typeof retry;
  circuitBreaker: typeof circuitBreaker;
  timeout: typeof timeout;
}

/** The stack built from `m`'s factories. */
export function stackFrom(m: StackModules, primary: Adapter, backup: Adapter): Middleware[] {
  return [
    m.fallbackResponse(),
    m.cache({ ttlMs: 600_000, staleIfErrorMs: 86_400_000 }),
    m.meter(),
    m.rateLimit({ rpm: 10_000_000 }),
    m.failover([primary, backup]),
    m.retry({ maxAttempts: 3 }),
    m.circuitBreaker(),
    m.timeout({ ms: 30_000 }),
  ];
}

export function recommendedStack(primary: Adapter, backup: Adapter): Middleware[] {
  return stackFrom({ fallbackResponse, cache, meter, rateLimit, failover, retry, circuitBreaker, timeout }, primary, backup);
}
