/**
 * Cache keys of embedding vectors: one per input item, over the model, the width, the encoding,
 * every other output-affecting field, the item and the scope.
 * @module
 */
import { embeddingItems, type EmbeddingItem, type EmbeddingRequest } from '@lifeline/core';
import { hashKey, stableStringify } from './key.js';

/** Bumped whenever the canonical form changes; never aliases a chat key. */
const EMBEDDING_KEY_VERSION = 'lifeline-embedding-v1';

/** Top-level fields left out of the key: the items themselves (keyed one by one), and fields that cannot change a vector. */
const EXCLUDED = new Set(['input', 'user', 'safety_identifier', 'metadata', 'api_key', 'apiKey', 'stream', 'stream_options']);

/**
 * What every item of `request` shares in its key: `model`, `dimensions` (absent and `null` mean
 * the model's own width), `encoding_format` (absent means `float`), and any other field that can
 * change a vector (vendor extras such as `input_type` or `task_type`) — never `input`, `user` or a
 * credential.
 *
 * @example
 * ```ts
 * embeddingKeyMaterial({ model: 'text-embedding-3-small', input: ['a'], user: 'u1' });
 * // '{"dimensions":null,"encoding_format":"float","model":"text-embedding-3-small"}'
 * ```
 */
export function embeddingKeyMaterial(request: EmbeddingRequest): string {
  const fields: Record<string, unknown> = {};
  // Stryker disable next-line ConditionalExpression: stableStringify() leaves undefined fields out anyway
  for (const [k, v] of Object.entries(request)) if (!EXCLUDED.has(k) && v !== null && v !== undefined) fields[k] = v;
  fields.dimensions = request.dimensions ?? null;
  fields.encoding_format = request.encoding_format ?? 'float';
  return `${EMBEDDING_KEY_VERSION}\n${stableStringify(fields)}`;
}

/**
 * The cache key of one item: a 64-character SHA-256 hex over {@link embeddingKeyMaterial}, the
 * item and the scope. It never contains the text or a credential.
 *
 * @example
 * ```ts
 * const material = embeddingKeyMaterial(request);
 * const keys = embeddingItems(request.input).map((item) => embeddingItemKey(material, item, 'acme'));
 * ```
 */
export function embeddingItemKey(material: string, item: EmbeddingItem, scope?: string): string {
  // Stryker disable next-line ConditionalExpression: JSON.stringify writes token ids the same way; the join only skips its overhead
  return hashKey(`${material}\n${typeof item === 'string' ? JSON.stringify(item) : `[${item.join(',')}]`}`, scope);
}

/**
 * The cache key of each item of `request`, in order.
 * @example
 * ```ts
 * await answers.store.delete(embeddingKeys({ model: 'text-embedding-3-small', input: 'stale text' }, 'acme')[0]!);
 * ```
 */
export function embeddingKeys(request: EmbeddingRequest, scope?: string): string[] {
  const material = embeddingKeyMaterial(request);
  return embeddingItems(request.input).map((item) => embeddingItemKey(material, item, scope));
}
