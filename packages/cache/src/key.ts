/**
 * Cache keys: a SHA-256 over a canonical JSON form of every request field that can change the
 * answer, and the scope (tenant) the answer belongs to.
 * @module
 */
import { hash } from 'node:crypto';
import type { ChatRequest } from '@lifeline/core';

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

/** Quoted object keys (`"role":`), memoised: request objects reuse a small vocabulary of keys. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  // Stryker disable next-line ConditionalExpression: a performance cache of `"key":`; recomputing it gives the same text
  if (q === undefined) {
    q = `${JSON.stringify(k)}:`;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: a performance cache (bounded); what it holds never changes the text
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(k, q);
  }
  return q;
}

/** Characters JSON must escape (quotes, backslash, controls) or may (lone surrogates): such strings take JSON.stringify. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON string literal of `s`; plain text skips the native call (the common case for prompts). */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** Above this many keys, an unordered object is sorted with `Array#sort` rather than by insertion. */
const INSERTION_SORT_MAX = 16;

/**
 * Own enumerable keys in canonical (code-unit) order, sorted in place only when they are out of
 * order. Request objects have a handful of keys (`{ role, content }`), where an insertion sort
 * costs a fraction of `Array#sort`'s call; larger objects still take `Array#sort`.
 */
function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  const n = keys.length;
  // Stryker disable next-line EqualityOperator: one step past the end compares with undefined and appends a hole that objectJson skips
  for (let i = 1; i < n; i++) {
    // Stryker disable next-line EqualityOperator: object keys are distinct, so < and <= agree
    if (keys[i - 1]! <= keys[i]!) continue;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Array#sort and the insertion sort give the same order; the bound only picks the faster one
    if (n > INSERTION_SORT_MAX) return keys.sort();
    const k = keys[i]!;
    let j = i - 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: keys[-1] is undefined (never > k), and keys are distinct
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * Canonical JSON of `value`: object keys sorted, `undefined` and functions omitted as
 * `JSON.stringify` does, non-finite numbers as `null`, `toJSON` honoured. Returns `undefined`
 * for values JSON cannot represent (so the caller can omit them). Hot path of every lookup:
 * one pass, no intermediate objects.
 *
 * @param value - any JSON-like value
 * @returns canonical JSON text, or `undefined`
 * @example
 * ```ts
 * stableStringify({ role: 'user', content: 'Hi' }); // '{"content":"Hi","role":"user"}'
 * ```
 */
export function stableStringify(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `${value}`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const s = stableStringify(value[i]);
      out += s === undefined ? 'null' : s;
    }
    return `${out}]`;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return stableStringify(toJSON.call(value));
  return objectJson(value as Record<string, unknown>, false);
}

/** Canonical JSON of a plain object; at the request's top level, excluded fields and `null` are left out. */
function objectJson(obj: Record<string, unknown>, topLevel: boolean): string {
  const keys = sortedKeys(obj);
  let out = '{';
  let sep = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (topLevel && EXCLUDED.has(k)) continue;
    const v = obj[k];
    if (topLevel && v === null) continue;
    const s = topLevel && k === 'messages' && Array.isArray(v) ? messagesJson(v) : stableStringify(v);
    if (s === undefined) continue;
    out += sep + quoteKey(k) + s;
    sep = ',';
  }
  return `${out}}`;
}

/**
 * Canonical JSON of the `messages` array: a plain-text message (exactly `role` and `content`,
 * both strings, no `toJSON`) written in one step in sorted order; any other message through
 * {@link stableStringify}. The same text as the general walk, without its per-key lookups.
 */
function messagesJson(messages: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    const m = messages[i] as TextMessageCandidate | null;
    if (typeof m === 'object' && m !== null && isTextMessage(m)) {
      out += `{"content":${quote(m.content as string)},"role":${quote(m.role as string)}}`;
      continue;
    }
    const s = stableStringify(m);
    out += s === undefined ? 'null' : s;
  }
  return `${out}]`;
}

interface TextMessageCandidate {
  role?: unknown;
  content?: unknown;
  toJSON?: unknown;
}

/** Exactly two own keys, `role` and `content`, both strings, and no `toJSON` to honour (an array has no such keys). */
function isTextMessage(m: TextMessageCandidate): boolean {
  const keys = Object.keys(m);
  if (keys.length !== 2) return false;
  const a = keys[0];
  const b = keys[1];
  return (
    ((a === 'role' && b === 'content') || (a === 'content' && b === 'role')) &&
    typeof m.role === 'string' &&
    typeof m.content === 'string' &&
    typeof m.toJSON !== 'function'
  );
}

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
  return objectJson(request as Record<string, unknown>, true);
}

/**
 * Hashes identity material (the canonical request, or what a custom `key` option returned)
 * with the scope into a 64-character hex key.
 */
export function hashKey(material: string, scope?: string): string {
  const scopePart = scope === undefined ? '-' : JSON.stringify(scope);
  return hash('sha256', `${KEY_VERSION}\n${scopePart}\n${material}`, 'hex');
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
