/**
 * Reads an OpenAI-compatible `/embeddings` answer: tolerant of blank lines before the JSON, strict
 * about errors hidden in an HTTP 200 and about answers that are not a list of vectors.
 * @module
 */
import { ServerError, type Embedding, type EmbeddingRequest, type EmbeddingResponse } from '@lifeline/core';
import type { ResponseBody } from '../http/index.js';
import { parseAnswer, readAnswerText, type CompletionContext } from './response.js';

/** A vector as sent: base64 text, or an array of numbers (its first element checked: a full scan would cost more than the parse). */
const isVector = (v: unknown): v is number[] | string => typeof v === 'string' || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'));

/**
 * The items in `index` order, each `{ object, index, embedding }`: the array as sent when it already
 * is (the common case: no copy), else a normalised, sorted copy (relays that omit `index` keep
 * their order). `undefined` when an item holds no vector.
 */
function orderedItems(data: unknown[]): Embedding[] | undefined {
  let inOrder = true;
  for (let i = 0; i < data.length; i++) {
    const d = data[i] as Partial<Embedding> | null;
    if (typeof d !== 'object' || d === null || !isVector(d.embedding)) return undefined;
    if (d.index !== i || d.object !== 'embedding') inOrder = false;
  }
  if (inOrder) return data as Embedding[];
  const items = (data as Embedding[]).map((d, i) => ({ object: 'embedding' as const, index: typeof d.index === 'number' ? d.index : i, embedding: d.embedding }));
  return items.sort((a, b) => a.index - b.index);
}

/**
 * Parses the body of a 2xx `/embeddings` response. Vectors are put in `index` order (relays that
 * omit `index` keep the order they sent); `model` falls back to the request's.
 *
 * @throws the mapped error class when the body is an error envelope
 * @throws {@link ServerError} (retryable) when the body is not JSON or not a list of vectors; not
 * retryable when it exceeds `maxBytes`
 */
export async function readEmbeddings(body: ResponseBody, request: EmbeddingRequest, ctx: CompletionContext): Promise<EmbeddingResponse> {
  const { provider, label, requestId, status } = ctx;
  const raw = parseAnswer(await readAnswerText(body, ctx), ctx) as { object?: unknown; data?: unknown; model?: unknown; usage?: unknown } | null;
  const items = typeof raw === 'object' && raw !== null && Array.isArray(raw.data) ? orderedItems(raw.data) : undefined;
  if (!items) {
    throw new ServerError(`${label}: ${status} with a body that is not an embedding list (no data array of vectors)`, { provider, status, requestId, retryable: true });
  }
  const response = raw as EmbeddingResponse;
  response.object = 'list';
  response.data = items;
  if (typeof raw!.model !== 'string' || raw!.model === '') response.model = request.model;
  return response;
}
