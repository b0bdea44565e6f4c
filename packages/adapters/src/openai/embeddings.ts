/**
 * Reads an OpenAI-compatible `/embeddings` answer: tolerant of blank lines before the JSON, strict
 * about errors hidden in an HTTP 200 and about answers that are not a list of vectors.
 * @module
 */
import { ServerError, type Embedding, type EmbeddingRequest, type EmbeddingResponse } from '@lifeline/core';
import { classifyError, extractProviderError, readText, type ResponseBody } from '../http/index.js';
import type { CompletionContext } from './response.js';

const isVector = (v: unknown): v is number[] | string => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

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
  const text = await readText(body, {
    ...ctx,
    overflow: 'error',
    onTooLarge: (max) => new ServerError(`${label}: ${status} response larger than ${max} bytes (maxResponseBytes)`, { provider, status, requestId, retryable: false }),
  });
  let json: unknown;
  try {
    json = JSON.parse(text.trim());
  } catch (err) {
    const what = text.trim() === '' ? 'an empty body' : 'a body that is not valid JSON';
    throw new ServerError(`${label}: ${status} with ${what}`, { provider, status, requestId, retryable: true, cause: err });
  }
  const info = extractProviderError(json);
  if (info) throw classifyError({ provider, label, status, info, source: 'body', requestId, secrets: ctx.secrets });
  const raw = json as { data?: unknown; model?: unknown; usage?: unknown } | null;
  const data = raw?.data;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(data) || !data.every((d) => typeof d === 'object' && d !== null && isVector((d as Embedding).embedding))) {
    throw new ServerError(`${label}: ${status} with a body that is not an embedding list (no data array of vectors)`, { provider, status, requestId, retryable: true });
  }
  const items: Embedding[] = (data as Embedding[]).map((d, i) => ({ object: 'embedding', index: typeof d.index === 'number' ? d.index : i, embedding: d.embedding }));
  items.sort((a, b) => a.index - b.index);
  const response: EmbeddingResponse = { ...(raw as Record<string, unknown>), object: 'list', data: items, model: typeof raw.model === 'string' && raw.model !== '' ? raw.model : request.model } as EmbeddingResponse;
  return response;
}
