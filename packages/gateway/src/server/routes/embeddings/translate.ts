/**
 * The embeddings front door's translation: the inbound body to core's `EmbeddingRequest`, core's
 * answer and meta to the OpenAI response and headers, and the errors only embeddings have.
 * @module
 */
import { LifelineError, NO_EMBEDDINGS_API, type EmbeddingRequest, type EmbeddingResponse, type Meta } from '@lifeline/core';
import { HttpError } from '../../errors.js';
import { summarize } from '../../meta.js';

/** The body as an `EmbeddingRequest`: `null` optional fields mean "not set"; everything else passes through. */
export function toEmbeddingRequest(body: Record<string, unknown>): EmbeddingRequest {
  const request: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null && (key === 'dimensions' || key === 'encoding_format' || key === 'user')) continue;
    request[key] = value;
  }
  return request as EmbeddingRequest;
}

/** The JSON answer: the OpenAI list, plus the `lifeline` summary chat answers carry. */
export function toEmbeddingBody(response: EmbeddingResponse, meta: Meta): EmbeddingResponse {
  return { ...response, lifeline: summarize(meta) };
}

/** Headers only embedding answers have: how many input items the cache answered. */
export function embeddingHeaders(meta: Meta): Record<string, string> {
  const items = meta.cacheItems;
  return items ? { 'x-lifeline-cache-items': `${items.hits}/${items.hits + items.misses}` } : {};
}

/**
 * A route whose targets have no embeddings API (an Anthropic-only route) is the caller's model
 * choice, not a gateway fault: a 400 naming `model`, not a 500.
 */
export function embeddingError(error: unknown, model: string): unknown {
  if (error instanceof LifelineError && error.providerCode === NO_EMBEDDINGS_API) {
    return new HttpError(400, `The model '${model}' has no embeddings on this gateway: ${error.message}`, 'invalid_request_error', 'model', 'model_not_supported');
  }
  return error;
}
