/**
 * `@lifeline/failover`: ordered, weighted, least-latency and round-robin targets with model
 * mapping, stream-safe failover (before and after the first token) and hedged requests.
 * @module
 */
export { failover } from './failover.js';
export { shouldFailover } from './classify.js';
export { rankError, mostTelling, failoverError, type TargetFailure } from './aggregate.js';
export { type FailoverOptions, type MidStreamPolicy, type StrategyName, FAILOVER_DEFAULTS } from './options.js';
export { type FailoverTarget, type FailoverTargetConfig, type TargetInfo } from './target.js';
export { type MidStreamInfo, type RestartMarker } from './mid-stream.js';
export { PrefillMemory, type PrefillMemoryOptions, isPrefillRejection } from './prefill-memory.js';
export { type ContinuationMode } from './continuation.js';
export { type FailoverEvent, FAILOVER_CHANNEL } from './events.js';
export { embeddingFamilyOf } from './embedding-targets.js';
