/**
 * Cache keys: a SHA-256 over a canonical JSON form of every request field that can change the
 * answer, and the scope (tenant) the answer belongs to.
 * @module
 */
import { hash } from 'node:crypto';
import type { ChatRequest } from '@lifeline/core';
import { objectJson } from './canonical-json.js';
import { commonRequestJson } from './key-fast-path.js';

export { stableStringify } from './canonical-json.js';

/**
 * Top-level request fields left out of the key because they cannot change the answer:
 * transport (`stream`, `stream_options`), end-user and abuse-monitoring ids (`user`,
 * `safety_identifier`), provider-side storage and prompt-cache routing (`store`, `metadata`,
 * `prompt_cache_key`), and credentials a relay may accept in the body (`api_key`, `apiKey`),
 * which must never reach a key. Every other field — including vendor extras such as
 * `reasoning_effort` — is part of the key.
 *
 * @example
 * ```ts
 * cacheKey({ ...req, stream: true, user: 'u1' }) === cacheKey(req); // true
 * ```
 */
export const KEY_EXCLUDED_FIELDS: readonly string[] = Object.freeze([
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'store',
  'metadata',
  'prompt_cache_key',
  'api_key',
  'apiKey',
]);

const EXCLUDED = new Set(KEY_EXCLUDED_FIELDS);

/** Bumped whenever the canonical form changes, so old keys never alias new ones. */
const KEY_VERSION = 'lifeline-cache-v1';

/** What precedes the material in a shared (unscoped) key's hashed text. */
const SHARED_HEAD = `${KEY_VERSION}\n-\n`;

/**
 * The canonical form of a request as hashed into its key: every top-level field except
 * {@link KEY_EXCLUDED_FIELDS}, with `null` treated as absent (both mean "provider default"),
 * object keys sorted at every depth.
 *
 * @param request - the request as the caller sent it
 * @returns canonical JSON text
 * @example
 * ```ts
 * canonicalRequest({ model: 'm', messages, temperature: null, stream: true });
 * // '{"messages":[...],"model":"m"}'
 * ```
 */
export function canonicalRequest(request: ChatRequest): string {
  return commonRequestJson(request, EXCLUDED) ?? objectJson(request as Record<string, unknown>, EXCLUDED);
}

/**
 * Hashes identity material (the canonical request, or what a custom `key` option returned)
 * with the scope into a 64-character hex key.
 */
export function hashKey(material: string, scope?: string): string {
  const head = scope === undefined ? SHARED_HEAD : `${KEY_VERSION}\n${JSON.stringify(scope)}\n`;
  return hash('sha256', head + material, 'hex');
}

/**
 * The cache key of `request` in `scope`: SHA-256 (hex) over a version tag, the scope and
 * {@link canonicalRequest}. Two requests share a key exactly when every output-affecting
 * field is equal — `model`, `messages`, `tools`, `tool_choice`, `parallel_tool_calls`,
 * `response_format`, `temperature`, `top_p`, `seed`, `stop`, `max_tokens`,
 * `max_completion_tokens`, `n`, penalties, `logprobs`, and any vendor extra — whatever the key
 * order of their objects, and whatever their {@link KEY_EXCLUDED_FIELDS} (`stream`, `user`, …).
 * Different scopes never share a key. The key is a hash: it never contains request text or a
 * credential.
 *
 * @param request - the request
 * @param scope - who the answer belongs to (e.g. a tenant id); `undefined` for a shared cache
 * @returns a 64-character lowercase hex string
 * @example
 * ```ts
 * const key = cacheKey({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }, 'acme');
 * await store.delete(key); // invalidate one answer
 * ```
 */
export function cacheKey(request: ChatRequest, scope?: string): string {
  return hashKey(canonicalRequest(request), scope);
}
