/**
 * Canonical JSON: object keys sorted at every depth, otherwise exactly what `JSON.stringify`
 * writes. The text that cache keys hash.
 * @module
 */

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

/**
 * A string with none of the characters JSON must escape (quotes, backslash, controls) or may
 * (surrogates): written between quotes as is. Anchored at both ends, the class runs as one
 * greedy loop over the string (an unanchored search for the first such character restarts its
 * matcher at every position: twice the time on a prompt).
 */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** Up to this length a string is checked by a loop: cheaper than a regex call for roles and model names. */
const SHORT = 16;

/** True when `s` can be written between quotes as is (see {@link PLAIN}). */
function isPlain(s: string): boolean {
  if (s.length > SHORT) return PLAIN.test(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Stryker disable next-line EqualityOperator: the bounds are the PLAIN class's (tests pin each edge)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** JSON string literal of `s`; plain text skips the native call (the common case for prompts). */
export function quote(s: string): string {
  return isPlain(s) ? `"${s}"` : JSON.stringify(s);
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
  return objectJson(value as Record<string, unknown>);
}

/**
 * Canonical JSON of a plain object. At a request's top level (`excluded` given), the excluded
 * fields and `null` values are left out and `messages` is written by {@link messagesJson}.
 */
export function objectJson(obj: Record<string, unknown>, excluded?: ReadonlySet<string>): string {
  const topLevel = excluded !== undefined;
  const keys = sortedKeys(obj);
  let out = '{';
  let sep = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (topLevel && excluded.has(k)) continue;
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
export function messagesJson(messages: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    const m = messages[i] as TextMessageCandidate | null;
    if (typeof m === 'object' && m !== null && isTextMessage(m)) {
      const content = m.content as string;
      const role = m.role as string;
      // Both plain (the usual case): quoted in place, four concatenations fewer than through quote().
      out += isPlain(content) && isPlain(role) ? `{"content":"${content}","role":"${role}"}` : `{"content":${quote(content)},"role":${quote(role)}}`;
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
