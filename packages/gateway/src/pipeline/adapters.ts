/**
 * One adapter per configured provider, named after the provider.
 * @module
 */
import { anthropic, gemini, openai, type KeyPoolOptions, type KeyPoolStore } from '@lifeline/adapters';
import type { Adapter, Clock } from '@lifeline/core';
import type { ProviderConfig } from '../config/types.js';

/** What every adapter of a pipeline shares. */
export interface AdapterContext {
  /** Where key pools keep cool-downs and quarantines (Redis with `store.redis`). @defaultValue each pool's own memory */
  keyPoolStore?: KeyPoolStore | undefined;
  /** Time source of key pools. @defaultValue the system clock */
  clock?: Clock | undefined;
}

/**
 * Builds the adapter of `providers.<name>`. Its target name is `name`, so breakers, metrics and
 * `x-lifeline-provider` say `primary`, not `openai`. A provider with several keys gets a key pool
 * (its id is the provider's name, so gateways sharing a store share its keys' state).
 *
 * @param name - the provider's key in the config
 * @param p - its config
 * @param shared - the key pool store and clock
 * @returns the adapter (pooled keep-alive connections; `close()` releases them)
 */
export function createAdapter(name: string, p: ProviderConfig, shared: AdapterContext = {}): Adapter {
  const pool = { ...(p.connections !== undefined && { connections: p.connections }), ...(p.http2 !== undefined && { http2: p.http2 }) };
  const headers = p.headers ?? {};
  const apiKey = p.apiKeys ?? p.apiKey;
  const keyPool: KeyPoolOptions = { ...p.keyPool, ...(shared.keyPoolStore && { store: shared.keyPoolStore }), ...(shared.clock && { clock: shared.clock }) };
  switch (p.kind) {
    case 'openai':
      return openai({ ...pool, name, baseURL: p.baseURL, apiKey, keyPool, headers });
    case 'anthropic':
      return anthropic({ ...pool, name, baseURL: p.baseURL, apiKey: apiKey ?? '', keyPool, headers, defaultMaxTokens: p.defaultMaxTokens });
    case 'gemini':
      return gemini({ ...pool, name, baseURL: p.baseURL, apiKey: apiKey ?? '', keyPool, headers });
  }
}
