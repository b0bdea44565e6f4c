/**
 * The fast way to a request's canonical JSON: a copy of the request with its object keys in
 * canonical order, serialised by one native `JSON.stringify`, which writes one flat string
 * instead of the many pieces a hand-built text joins (and the hash then has to flatten).
 * Whatever the copy cannot express exactly — a `bigint`, an array-index or `__proto__` key
 * (which objects cannot hold in sorted order) — makes it give up, and the caller takes the
 * hand-written serialiser, whose text is the reference.
 * @module
 */

/** Returned when a value has no exact copy: the caller falls back to the reference serialiser. */
export const NO_COPY: unique symbol = Symbol('no canonical copy');

type Copy = unknown;

/**
 * Own enumerable keys in canonical (code-unit) order, sorted in place only when they are out of
 * order; an insertion sort for the handful of keys request objects have, `Array#sort` above 16.
 */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  const n = keys.length;
  // Stryker disable next-line EqualityOperator: one step past the end compares with undefined and appends a hole that callers skip
  for (let i = 1; i < n; i++) {
    // Stryker disable next-line EqualityOperator: object keys are distinct, so < and <= agree
    if (keys[i - 1]! <= keys[i]!) continue;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Array#sort and the insertion sort give the same order; the bound only picks the faster one
    if (n > 16) return keys.sort();
    const k = keys[i]!;
    let j = i - 1;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: keys[-1] is undefined (never > k), and keys are distinct
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/** A key a plain object cannot hold at its sorted place: array indices enumerate first, `__proto__` sets the prototype. */
function unorderable(key: string): boolean {
  const c = key.charCodeAt(0);
  return (c >= 48 && c <= 57) || key === '__proto__';
}

/**
 * A copy of `value` whose `JSON.stringify` is its canonical JSON; `undefined` where the value
 * is omitted (functions, symbols, `undefined`), {@link NO_COPY} when no exact copy exists.
 */
function copyValue(value: unknown): Copy {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    case 'bigint':
      return NO_COPY;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return copyArray(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return copyValue(toJSON.call(value));
  return copyObject(value as Record<string, unknown>, undefined);
}

function copyArray(value: readonly unknown[]): Copy {
  const n = value.length;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = copyValue(value[i]);
    if (c === NO_COPY) return NO_COPY;
    out[i] = c === undefined ? null : c;
  }
  return out;
}

/** `[{ role, content }]` messages of plain text, the common shape, copied without the general walk. */
function copyMessages(messages: readonly unknown[]): Copy {
  const n = messages.length;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    let c: Copy;
    if (typeof m === 'object' && m !== null && !Array.isArray(m) && isTextMessage(m)) c = { content: m.content, role: m.role };
    else {
      c = copyValue(m);
      if (c === NO_COPY) return NO_COPY;
    }
    out[i] = c === undefined ? null : c;
  }
  return out;
}

/** Exactly two own keys, `role` and `content`, both strings, and no `toJSON` to honour. */
function isTextMessage(m: { role?: unknown; content?: unknown; toJSON?: unknown }): m is { role: string; content: string } {
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
 * A copy of a plain object with its keys in canonical order. With `excluded` (the request's top
 * level), those fields and `null` values are left out.
 */
function copyObject(obj: Record<string, unknown>, excluded: ReadonlySet<string> | undefined): Copy {
  const keys = sortedKeys(obj);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (unorderable(k)) return NO_COPY;
    if (excluded !== undefined && excluded.has(k)) continue;
    const v = obj[k];
    if (excluded !== undefined && v === null) continue;
    const c = excluded !== undefined && k === 'messages' && Array.isArray(v) ? copyMessages(v) : copyValue(v);
    if (c === NO_COPY) return NO_COPY;
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/**
 * The canonical JSON of a request (every top-level field but `excluded`, `null` as absent, keys
 * sorted at every depth) through a sorted copy and one `JSON.stringify`, or `undefined` when
 * the request holds something the copy cannot express exactly.
 */
export function canonicalJsonByCopy(request: object, excluded: ReadonlySet<string>): string | undefined {
  const copy = copyObject(request as Record<string, unknown>, excluded);
  return copy === NO_COPY ? undefined : JSON.stringify(copy);
}
