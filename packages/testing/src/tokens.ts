/**
 * Deterministic token estimates and text chunking.
 *
 * @module
 */

/** Sum of the lengths of every string inside `value` (recursively; object keys excluded). */
export function countChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += countChars(item);
  } else {
    for (const key in value as Record<string, unknown>) n += countChars((value as Record<string, unknown>)[key]);
  }
  return n;
}

/** Prompt tokens for a request whose text has `chars` characters: `ceil(chars / 4)`, at least 1. */
export function promptTokensFor(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Number of whitespace-separated words in `text`. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * Splits `text` into stream pieces whose concatenation is `text`: `chunkSize` words per piece
 * (leading whitespace kept with its word), or exactly `chunks` pieces of about equal length.
 */
export function splitText(text: string, chunkSize = 1, chunks?: number): string[] {
  if (text === '') return [];
  if (chunks !== undefined && chunks > 0) {
    const size = Math.ceil(text.length / chunks);
    const out: string[] = [];
    for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
    return out;
  }
  const words = text.match(/\s*\S+/g);
  if (!words) return [text];
  const joined = words.join('');
  if (joined.length < text.length) words[words.length - 1] += text.slice(joined.length);
  const k = Math.max(1, Math.floor(chunkSize));
  if (k === 1) return words;
  const out: string[] = [];
  for (let i = 0; i < words.length; i += k) out.push(words.slice(i, i + k).join(''));
  return out;
}

/** Splits a string into `n` pieces of about equal length (at least one piece, possibly empty). */
export function splitInto(s: string, n: number): string[] {
  if (s.length === 0 || n <= 1) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}
