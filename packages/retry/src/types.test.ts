import { compose, createClient, type Middleware } from '@lifeline/core';
import { describe, expectTypeOf, it } from 'vitest';
import { type Backoff, exponentialBackoff, RetryBudget, retry, type RetryEvent, type RetryOptions } from './index.js';

describe('types', () => {
  it('retry() is a Middleware that composes and plugs into createClient', () => {
    expectTypeOf(retry()).toEqualTypeOf<Middleware>();
    expectTypeOf(compose([retry(), retry({ maxAttempts: 2 })])).toEqualTypeOf<Middleware>();
    expectTypeOf(createClient).parameter(0).toMatchTypeOf<{ use?: readonly Middleware[] } | undefined>();
  });

  it('options accept a shared budget, budget options or false, and a custom backoff', () => {
    expectTypeOf<RetryOptions['budget']>().toEqualTypeOf<RetryBudget | import('./budget.js').RetryBudgetOptions | false | undefined>();
    expectTypeOf(exponentialBackoff()).toEqualTypeOf<Backoff>();
    expectTypeOf<RetryEvent['source']>().toEqualTypeOf<'retry-after' | 'backoff'>();
    expectTypeOf(new RetryBudget().tryAcquire).returns.toEqualTypeOf<boolean>();
  });
});
