/**
 * Bounding the cost of an embedding call before it is made: embeddings have input tokens only.
 * @module
 */
import { estimateEmbeddingTokens, type EmbeddingRequest } from '@lifeline/core';
import { roundUsd } from './cost.js';
import { pricesFor, type PriceEntry } from './price.js';

/**
 * The most an embedding call can cost: its estimated input tokens (about 4 characters per token,
 * token ids counted one each) at the model's input rate. Embedding calls have no output tokens.
 *
 * @param request - the embedding request
 * @param entry - the model's price
 * @returns USD
 * @example
 * ```ts
 * maxEmbeddingCost({ model: 'text-embedding-3-small', input: ['a'.repeat(4000)] }, defaultCatalog.get('text-embedding-3-small')!); // 0.00002
 * ```
 */
export function maxEmbeddingCost(request: EmbeddingRequest, entry: PriceEntry): number {
  const tokens = estimateEmbeddingTokens(request.input);
  return roundUsd((tokens * pricesFor(entry, tokens).inputPerMTok) / 1e6);
}
