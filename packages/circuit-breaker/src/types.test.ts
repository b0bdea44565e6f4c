import { compose, type Middleware } from '@lifeline/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type BreakerKeySnapshot, type BreakerState, circuitBreaker, type CircuitBreaker, type StateChange } from './index.js';

describe('types', () => {
  it('circuitBreaker() is a Middleware carrying its management methods', () => {
    const breaker = circuitBreaker();
    expectTypeOf(breaker).toEqualTypeOf<CircuitBreaker>();
    expectTypeOf(breaker).toMatchTypeOf<Middleware>();
    expectTypeOf(compose([breaker])).toEqualTypeOf<Middleware>();
    expectTypeOf(breaker.snapshot).returns.toEqualTypeOf<Promise<Record<string, BreakerKeySnapshot>>>();
    expectTypeOf(breaker.onStateChange).parameter(0).toEqualTypeOf<(change: StateChange) => void>();
    expectTypeOf(breaker.onStateChange).returns.toEqualTypeOf<() => void>();
  });

  it('the state is a discriminated union narrowing on name', () => {
    const state = {} as BreakerState;
    if (state.name === 'open') expectTypeOf(state.until).toEqualTypeOf<number>();
    if (state.name === 'half-open') expectTypeOf(state.probes).toEqualTypeOf<Array<{ id: string; startedAt: number }>>();
  });
});
