/**
 * `@lifeline/circuit-breaker`: the `circuitBreaker()` middleware — one breaker per target and
 * model, consecutive and failure-rate policies, half-open probes, pluggable state store.
 * @module
 */
export { circuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
export type { BreakerAttemptRecord } from './attempt-record.js';
export { BREAKER_DEFAULTS, type CircuitBreakerOptions } from './options.js';
export { consecutiveFailures, type BreakerPolicy, type ConsecutiveFailuresOptions, type PolicyCounts } from './policy.js';
export { failureRate, type FailureRateOptions, type FailureRateState, type RateBucket } from './failure-rate.js';
export { MemoryBreakerStore, type BreakerStore, type MemoryBreakerStoreOptions, type StoredBreaker, type MaybePromise } from './store.js';
export type { BreakerKeySnapshot } from './machine.js';
export type {
  BreakerState,
  BreakerStateName,
  BreakerRecord,
  ClosedState,
  OpenState,
  HalfOpenState,
  IsolatedState,
  Probe,
  StateChange,
  TransitionReason,
} from './state.js';
