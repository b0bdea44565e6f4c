/**
 * A bound on how deeply a JSON text nests, checked before it is parsed: a body of thousands of
 * nested arrays would otherwise overflow the stack of whatever walks it later (the cache key,
 * an adapter's translation) and turn bad input into a 500.
 * @module
 */

/** Deepest nesting accepted in a request body (objects and arrays, the body itself counted). */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether `text` nests objects and arrays deeper than `max` levels. Brackets inside strings do
 * not count; the text need not be valid JSON (parsing it says what else is wrong). A text with at
 * most `max` opening brackets (counted with `indexOf`, strings included) cannot nest deeper and
 * is not scanned; otherwise one pass, jumping over string contents.
 *
 * @param text - the JSON text
 * @param max - deepest nesting allowed @defaultValue {@link MAX_JSON_DEPTH}
 * @returns true when some value sits deeper than `max`
 * @example
 * ```ts
 * nestsDeeperThan('[[[]]]', 2); // true
 * nestsDeeperThan('{"a":"[[[["}', 2); // false
 * ```
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  if (text.length <= 2 * max || opensAtMost(text, max)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Whether `text` holds at most `max` `[` and `{` characters in all. */
function opensAtMost(text: string, max: number): boolean {
  let n = 0;
  for (const bracket of ['[', '{']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) if (++n > max) return false;
  }
  return true;
}

/** Index of the quote closing the string opened at `start` (the text's end when unterminated). */
function endOfString(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
