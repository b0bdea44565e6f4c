/**
 * One adapter per configured provider, named after the provider.
 * @module
 */
import { anthropic, gemini, openai } from '@lifeline/adapters';
import type { Adapter } from '@lifeline/core';
import type { ProviderConfig } from '../config/types.js';

/**
 * Builds the adapter of `providers.<name>`. Its target name is `name`, so breakers, metrics and
 * `x-lifeline-provider` say `primary`, not `openai`.
 *
 * @param name - the provider's key in the config
 * @param p - its config
 * @returns the adapter (pooled keep-alive connections; `close()` releases them)
 */
export function createAdapter(name: string, p: ProviderConfig): Adapter {
  const pool = p.connections === undefined ? {} : { connections: p.connections };
  const headers = p.headers ?? {};
  switch (p.kind) {
    case 'openai':
      return openai({ ...pool, name, baseURL: p.baseURL, apiKey: p.apiKey, headers });
    case 'anthropic':
      return anthropic({ ...pool, name, baseURL: p.baseURL, apiKey: p.apiKey ?? '', headers, defaultMaxTokens: p.defaultMaxTokens });
    case 'gemini':
      return gemini({ ...pool, name, baseURL: p.baseURL, apiKey: p.apiKey ?? '', headers });
  }
}
