/**
 * Key pools: several API keys for one provider, rotated per attempt, cooled down on 429 and
 * quarantined on 401/403 — invisible to the rest of the pipeline.
 * @module
 */
export { KeyPool, type KeyPoolTarget, type SettleUsage, type UsageCounts } from './pool.js';
export { setAsideFor, setAsideMs } from './set-aside.js';
export { adapterKeys, settleChunks, type AdapterKeys, type AdapterKeysInput, type KeyedAdapter } from './adapter-keys.js';
export { KEY_POOL_DEFAULTS, readApiKeys, resolveKeyPoolOptions, type ApiKeyInput, type ApiKeySpec, type KeyPoolOptions, type KeyPoolStrategy, type ResolvedKeyPoolOptions } from './options.js';
export { MemoryKeyPoolStore, mergeKeyRecord, type KeyPoolStore, type KeyRecord, type KeyReason } from './store.js';
export { keyFingerprint } from './fingerprint.js';
export { KEY_CHANNEL, type KeyEvent } from './events.js';
export type { KeyPoolSnapshot, KeyStatus } from './snapshot.js';
