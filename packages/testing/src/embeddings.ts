/**
 * Deterministic embedding vectors for the mock's embeddings endpoints: the same model and input
 * always give the same unit vector, a shorter `dimensions` gives a prefix of the same sequence
 * (renormalised, as OpenAI's shortened embeddings are), and base64 is little-endian float32.
 *
 * @module
 */
import type { ReplySpec } from './types.js';

/** One item to embed: a text, or a text as token ids. */
export type MockEmbeddingItem = string | number[];

/** What an embeddings request asks for, once a flavour has parsed it. */
export interface EmbeddingCall {
  /** The items, in order. */
  items: MockEmbeddingItem[];
  /** Requested width (`dimensions`, Gemini `outputDimensionality`). */
  dimensions: number | undefined;
  /** `float` or `base64` (OpenAI `encoding_format`; Gemini always answers floats). */
  encoding: 'float' | 'base64';
}

/** The vectors of a reply, ready to render. */
export interface ResolvedEmbeddings {
  /** One vector per item. */
  vectors: number[][];
  /** Model to report. */
  model: string;
  /** Input tokens to report. */
  promptTokens: number;
  /** Encoding to render. */
  encoding: 'float' | 'base64';
}

/** Width of the mock's vectors when neither the request nor the step sets one. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/** Input tokens of one item: `ceil(chars / 4)` (at least 1) for a text, its length for token ids. */
export function itemTokens(item: MockEmbeddingItem): number {
  return typeof item === 'string' ? Math.max(1, Math.ceil(item.length / 4)) : item.length;
}

/** FNV-1a over `text`: the seed of an item's vector. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The mock's vector for `item` under `model`: `dimensions` values from a seeded generator,
 * normalised to unit length. Deterministic across runs and processes.
 *
 * @example
 * ```ts
 * mockEmbedding('text-embedding-3-small', 'hello', 8); // the same 8 numbers every time
 * ```
 */
export function mockEmbedding(model: string, item: MockEmbeddingItem, dimensions: number): number[] {
  let state = fnv1a(`${model}\u0000${typeof item === 'string' ? item : JSON.stringify(item)}`) || 1;
  const out = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const v = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    out[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  // Rounded to float32, the precision providers send.
  for (let i = 0; i < dimensions; i++) out[i] = Math.fround(out[i]! * scale);
  return out;
}

/** `values` as base64 of little-endian float32 bytes (OpenAI's `encoding_format: 'base64'`). */
export function float32Base64(values: readonly number[]): string {
  const floats = Float32Array.from(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** What {@link resolveEmbeddings} needs besides the call. */
export interface EmbeddingReplyContext {
  /** Requested model. */
  model: string;
  /** Server default width. */
  defaultDimensions: number;
}

/**
 * The vectors of a reply: the step's `reply.dimensions` wins (a model that ignores the request),
 * then the request's width, then the server default; `reply.usage.promptTokens` and `reply.model`
 * override the counts and the model.
 */
export function resolveEmbeddings(call: EmbeddingCall, spec: ReplySpec | undefined, ctx: EmbeddingReplyContext): ResolvedEmbeddings {
  const width = spec?.dimensions ?? call.dimensions ?? ctx.defaultDimensions;
  const model = spec?.model ?? ctx.model;
  let tokens = 0;
  for (const item of call.items) tokens += itemTokens(item);
  return {
    vectors: call.items.map((item) => mockEmbedding(model, item, width)),
    model,
    promptTokens: spec?.usage?.promptTokens ?? tokens,
    encoding: call.encoding,
  };
}
