/**
 * `@lifeline/cache`: exact-match answer cache for the Lifeline pipeline — byte-bounded memory
 * LRU, single-flight for concurrent identical misses, stale-if-error, stream record/replay,
 * pluggable store.
 * @module
 */
export { cache, type CacheMiddleware, type CacheStats } from './cache.js';
export { isRepeatable, tenantScope, type CacheOptions } from './options.js';
export { cacheKey, canonicalRequest, stableStringify, KEY_EXCLUDED_FIELDS } from './key.js';
export { memoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export type { CacheStore, StoreStats } from './store.js';
export { ENTRY_VERSION, isCacheEntry, type CacheEntry, type ResponseEntry, type ChunksEntry } from './entry.js';
export { readDirectives, type CacheDirectives } from './cache-control.js';
export type { Counters } from './miss.js';
export { embeddingKeys, embeddingKeyMaterial, embeddingItemKey } from './embedding-key.js';
export type { EmbeddingEntry, ChatCacheEntry } from './entry.js';
