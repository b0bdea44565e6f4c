/**
 * The OpenAI Embeddings wire shape (`POST /v1/embeddings`): what `client.embed()` takes and
 * returns, and what every adapter translates to and from. Unknown fields are carried through
 * untouched (vendor extras such as `input_type`).
 * @module
 */

/**
 * What to embed: one text, several texts, one text as token ids, or several texts as token ids.
 * Each text (or token array) is one item of the answer's `data`, in the same order.
 */
export type EmbeddingInput = string | string[] | number[] | number[][];

/** One item of an {@link EmbeddingInput}: a text, or a text as token ids. */
export type EmbeddingItem = string | number[];

/** How vectors come back: arrays of numbers, or base64 of little-endian float32 bytes. */
export type EmbeddingEncoding = 'float' | 'base64';

/** An embedding request, as sent to `POST /v1/embeddings`. */
export interface EmbeddingRequest {
  /** The embedding model (`text-embedding-3-small`, `gemini-embedding-001`). */
  model: string;
  /** What to embed; see {@link EmbeddingInput}. */
  input: EmbeddingInput;
  /** Width of the returned vectors, for models that can shorten them. @defaultValue the model's own */
  dimensions?: number;
  /** `float` (arrays of numbers) or `base64` (little-endian float32 bytes). @defaultValue 'float' */
  encoding_format?: EmbeddingEncoding;
  /** End-user id for the provider's abuse monitoring. */
  user?: string;
  /** Any other field is passed through to the provider untouched. */
  [extra: string]: unknown;
}

/** One vector of an {@link EmbeddingResponse}. */
export interface Embedding {
  object: 'embedding';
  /** Position of the input item this vector embeds. */
  index: number;
  /** The vector: numbers, or base64 of little-endian float32 bytes when `encoding_format: 'base64'`. */
  embedding: number[] | string;
}

/** Token usage of an embedding call. `estimated` is set when the provider reported none. */
export interface EmbeddingUsage {
  prompt_tokens: number;
  total_tokens: number;
  /** True when the counts were estimated locally because the provider reported none. */
  estimated?: boolean;
  [extra: string]: unknown;
}

/** The answer to an {@link EmbeddingRequest} (`object: 'list'`). */
export interface EmbeddingResponse {
  object: 'list';
  /** One vector per input item, in input order. */
  data: Embedding[];
  /** The model that produced the vectors. */
  model: string;
  usage: EmbeddingUsage;
  [extra: string]: unknown;
}
