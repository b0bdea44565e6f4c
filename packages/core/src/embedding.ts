/**
 * Helpers every package shares for embedding calls: the items of an input, a request for some of
 * them, a token estimate, and the base64 vector encoding (little-endian float32, as OpenAI sends).
 * @module
 */
import type { EmbeddingInput, EmbeddingItem, EmbeddingRequest, EmbeddingUsage } from './embedding-types.js';

/** Characters per token assumed by {@link estimateEmbeddingTokens} (as the chat estimators). */
const CHARS_PER_TOKEN = 4;

/**
 * True when `input` lists several items (`string[]` or `number[][]`) rather than being one
 * (`string`, or one text as `number[]` token ids).
 *
 * @example
 * ```ts
 * isBatchInput(['a', 'b']); // true
 * isBatchInput([101, 2023]); // false: one text as token ids
 * ```
 */
export function isBatchInput(input: EmbeddingInput): input is string[] | number[][] {
  return Array.isArray(input) && input.length > 0 && typeof input[0] !== 'number';
}

/**
 * The items of an input, in order: each becomes one vector of the answer.
 *
 * @param input - the request's `input`
 * @returns one entry per vector the answer will hold
 * @example
 * ```ts
 * embeddingItems('hi'); // ['hi']
 * embeddingItems([[1, 2], [3]]); // [[1, 2], [3]]
 * ```
 */
export function embeddingItems(input: EmbeddingInput): EmbeddingItem[] {
  if (typeof input === 'string') return [input];
  return isBatchInput(input) ? (input as EmbeddingItem[]) : [input as number[]];
}

/**
 * The request for some of the original's items (e.g. the cache misses), in the original's form:
 * a batch stays a batch even with one item; every other field is kept.
 *
 * @param request - the original request
 * @param items - the items to send
 * @returns a new request (the original is not mutated)
 */
export function requestForItems(request: EmbeddingRequest, items: readonly EmbeddingItem[]): EmbeddingRequest {
  const batch = isBatchInput(request.input) || items.length !== 1;
  return { ...request, input: (batch ? [...items] : items[0]!) as EmbeddingInput };
}

/**
 * True when `value` looks like an {@link EmbeddingRequest} (an `input` and no `messages`).
 *
 * @example
 * ```ts
 * isEmbeddingRequest({ model: 'text-embedding-3-small', input: 'hi' }); // true
 * ```
 */
export function isEmbeddingRequest(value: unknown): value is EmbeddingRequest {
  return typeof value === 'object' && value !== null && 'input' in value && !('messages' in value);
}

/**
 * Estimated input tokens of one item: `ceil(characters / 4)` (at least 1) for a text, its length
 * for token ids.
 */
export function estimateItemTokens(item: EmbeddingItem): number {
  return typeof item === 'string' ? Math.max(1, Math.ceil(item.length / CHARS_PER_TOKEN)) : item.length;
}

/**
 * Estimated input tokens of an embedding input (what a budget reserves and a rate limit
 * pre-debits; embeddings have no output tokens).
 *
 * @example
 * ```ts
 * estimateEmbeddingTokens(['Hello world', 'Hi']); // 3 + 1
 * ```
 */
export function estimateEmbeddingTokens(input: EmbeddingInput): number {
  let n = 0;
  for (const item of embeddingItems(input)) n += estimateItemTokens(item);
  return n;
}

/** An estimated {@link EmbeddingUsage} for `input`, flagged `estimated: true`. */
export function estimateEmbeddingUsage(input: EmbeddingInput): EmbeddingUsage {
  const tokens = estimateEmbeddingTokens(input);
  return { prompt_tokens: tokens, total_tokens: tokens, estimated: true };
}

/**
 * A vector as base64 of its little-endian float32 bytes: the `encoding_format: 'base64'` form,
 * which the official SDKs decode with `Float32Array`.
 *
 * @example
 * ```ts
 * encodeEmbedding([0.5, -1]); // 'AAAAPwAAgL8='
 * ```
 */
export function encodeEmbedding(values: readonly number[]): string {
  const floats = Float32Array.from(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/**
 * The numbers of a base64 vector (float32 precision).
 *
 * @throws `RangeError` when the bytes are not a whole number of float32 values
 */
export function decodeEmbedding(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new RangeError(`A base64 embedding must hold a whole number of float32 values, got ${bytes.byteLength} bytes`);
  const out = new Array<number>(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** The width of a vector in either encoding (a base64 vector holds 4 bytes per value). */
export function embeddingWidth(embedding: readonly number[] | string): number {
  if (typeof embedding !== 'string') return embedding.length;
  const padding = embedding.endsWith('==') ? 2 : embedding.endsWith('=') ? 1 : 0;
  return Math.floor(((embedding.length * 3) / 4 - padding) / 4);
}
