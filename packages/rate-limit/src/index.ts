/**
 * `@lifeline/rate-limit`: client-side rate limiting — requests- and tokens-per-minute token
 * buckets, a bounded FIFO queue with abortable waits, adaptive to the provider's rate-limit
 * headers, over a pluggable atomic store.
 * @module
 */
export { rateLimit, defaultRateLimitKey, type RateLimitMiddleware, type RateLimitOptions } from './rate-limit.js';
export type { RateLimitStore, RateCost, RateLimits, TakeRequest, TakeResult, ProviderWindow } from './store.js';
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './memory-store.js';
export { Admission, type AdmitOptions } from './admission.js';
export { estimateRequestTokens } from './estimate.js';
export { MINUTE_MS, fullBucket, refill, waitFor, debit, adjustBucket, type BucketState } from './token-bucket.js';
