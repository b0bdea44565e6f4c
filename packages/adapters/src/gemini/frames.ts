/**
 * Splits a Gemini `streamGenerateContent?alt=sse` body into event payloads the way js-genai does
 * (`processStreamResponse`): events end at `\n\n`, `\r\r` or `\r\n\r\n`; an event's `data:` lines
 * are its payload; an event with no `data:` line whose text is not a comment is a payload too,
 * because Google can send an error object *without* SSE framing in the middle of a stream.
 * A generic SSE parser drops such a line silently, which would turn a rate limit into a truncation.
 * @module
 */

const BOUNDARY = /\r\n\r\n|\n\n|\r\r/g;
const FIELD = /^(event|id|retry)(:|$)/;

/** Thrown by {@link GeminiFrameSplitter.feed} when one event outgrows the bound. */
export class FrameTooLargeError extends RangeError {
  constructor(readonly maxSize: number) {
    super(`stream event larger than ${maxSize} characters`);
  }
}

function payloadOf(block: string): string | undefined {
  const lines = block.split(/\r\n|\r|\n/);
  const data: string[] = [];
  const other: string[] = [];
  for (const line of lines) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else if (!line.startsWith(':') && !FIELD.test(line)) other.push(line);
  }
  if (data.length > 0) return data.join('\n');
  const raw = other.join('\n').trim();
  return raw === '' ? undefined : raw;
}

/**
 * An incremental splitter: feed decoded text as it arrives, get complete payloads back.
 *
 * @example
 * ```ts
 * const frames = new GeminiFrameSplitter();
 * frames.feed('data: {"a":1}\r\n\r\ndata: {"b"'); // ['{"a":1}']
 * frames.feed(':2}\r\n\r\n');                       // ['{"b":2}']
 * frames.flush();                                   // []
 * ```
 */
export class GeminiFrameSplitter {
  #buffer = '';
  readonly #maxSize: number;

  /** @param maxSize - most characters buffered for one event @defaultValue 16_777_216 */
  constructor(maxSize = 16 * 1024 * 1024) {
    this.#maxSize = maxSize;
  }

  /**
   * Adds text; returns the payloads of the events it completed.
   * @throws {@link FrameTooLargeError} when an unfinished event exceeds `maxSize`
   */
  feed(text: string): string[] {
    // Only the new text (and the 3 characters before it, part of a split boundary) is scanned.
    BOUNDARY.lastIndex = Math.max(0, this.#buffer.length - 3);
    this.#buffer += text;
    const out: string[] = [];
    for (let m = BOUNDARY.exec(this.#buffer); m; m = BOUNDARY.exec(this.#buffer)) {
      const payload = payloadOf(this.#buffer.slice(0, m.index));
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      BOUNDARY.lastIndex = 0;
      if (payload !== undefined) out.push(payload);
    }
    // A trailing "\r" may be the first half of "\r\n\r\n": it stays buffered, which the bound tolerates.
    if (this.#buffer.length > this.#maxSize) throw new FrameTooLargeError(this.#maxSize);
    return out;
  }

  /** At end of body: the payload of an event the body ended without its blank line, if any. */
  flush(): string[] {
    const payload = payloadOf(this.#buffer);
    this.#buffer = '';
    return payload === undefined ? [] : [payload];
  }
}
