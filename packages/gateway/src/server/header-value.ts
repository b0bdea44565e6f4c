/**
 * Header values built from data the gateway does not control (model names from clients and
 * upstreams, target names): never a throw, never an injected header.
 * @module
 */

/** A character that is not printable ASCII, or is `%`. */
const UNSAFE = /[^\x20-\x24\x26-\x7E]/;
const SPACE = 0x20;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Longest header value sent; a longer one is left out (clients cap a response head's size). */
export const MAX_HEADER_VALUE_LENGTH = 1024;

/**
 * `value` as a safe header value. Printable ASCII without `%` is sent as is; anything else (non-
 * Latin-1 text, emoji, CR/LF and other control characters, `%`, edge spaces) is percent-encoded
 * from UTF-8 as `encodeURIComponent` does, lone surrogates first becoming U+FFFD. So
 * `decodeURIComponent(header)` always gives the value back, and no value can add a header or
 * break the response head. `undefined` when the result would be longer than 1024 characters:
 * leave the header out.
 *
 * @param value - any string
 * @returns the header value, or `undefined` to omit the header
 * @example
 * ```ts
 * headerValue('gpt-4.1'); // 'gpt-4.1'
 * headerValue('通义千问-max'); // '%E9%80%9A%E4%B9%89%E5%8D%83%E9%97%AE-max'
 * headerValue('m\r\nx-a: 1'); // 'm%0D%0Ax-a%3A%201'
 * ```
 */
export function headerValue(value: string): string | undefined {
  const verbatim = !UNSAFE.test(value) && value.charCodeAt(0) !== SPACE && value.charCodeAt(value.length - 1) !== SPACE;
  const safe = verbatim ? value : encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
  return safe.length > MAX_HEADER_VALUE_LENGTH ? undefined : safe;
}

/**
 * Sets `headers[name]` to `value` passed through {@link headerValue}, or leaves it out when it
 * cannot be sent: {@link safeHeaders} one header at a time, without a second object.
 */
export function putSafeHeader(headers: Record<string, string>, name: string, value: string): void {
  const safe = headerValue(value);
  if (safe !== undefined) headers[name] = safe;
}

/**
 * `headers` with every value passed through {@link headerValue}; values that cannot be sent are
 * left out. Use it on any header set another route builds from client or upstream data.
 *
 * @param headers - header name → raw value
 * @returns the safe headers
 * @example
 * ```ts
 * reply.headers(safeHeaders({ 'x-lifeline-model': meta.model }));
 * ```
 */
export function safeHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const safe = headerValue(headers[name]!);
    if (safe !== undefined) out[name] = safe;
  }
  return out;
}
