/**
 * The terminal's `embed` step: calls `target.embed`, checks the answer holds one vector per input
 * item, and records the attempt's usage (estimated when the provider reported none).
 * @module
 */
import type { Adapter, AdapterCall } from './adapter.js';
import type { Context } from './context.js';
import { embeddingItems, estimateEmbeddingUsage } from './embedding.js';
import type { EmbeddingRequest, EmbeddingResponse, EmbeddingUsage } from './embedding-types.js';
import { ConfigurationError, ServerError } from './errors.js';
import type { AttemptRecord } from './meta.js';
import { raceContext } from './race.js';
import type { Usage } from './types.js';

/** `providerCode` of the {@link ConfigurationError} an embedding call to targets without an embeddings API fails with. */
export const NO_EMBEDDINGS_API = 'no_embeddings_api';

/**
 * The error for an `embed` call to an adapter without an embeddings API.
 * @example
 * ```ts
 * noEmbeddingsApi(anthropic({ apiKey })).message;
 * // 'anthropic (anthropic) has no embeddings API: send embedding calls to a target that has one, such as openai() or gemini()'
 * ```
 */
export function noEmbeddingsApi(target: Adapter): ConfigurationError {
  return new ConfigurationError(
    `${target.name} (${target.kind}) has no embeddings API: send embedding calls to a target that has one, such as openai() or gemini()`,
    { provider: target.name, providerCode: NO_EMBEDDINGS_API },
  );
}

/** An embedding usage in the chat `Usage` shape the attempt log and meter use (no completion tokens). */
export function embeddingUsageAsUsage(usage: EmbeddingUsage): Usage {
  const out: Usage = { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens };
  if (usage.estimated === true) out.estimated = true;
  return out;
}

function checkAnswer(response: unknown, request: EmbeddingRequest, target: Adapter, record: AttemptRecord): EmbeddingResponse {
  const expected = embeddingItems(request.input).length;
  const data = (response as Partial<EmbeddingResponse> | null)?.data;
  if (!Array.isArray(data) || data.length !== expected) {
    const got = Array.isArray(data) ? `${data.length} vectors` : 'no data array';
    throw new ServerError(`${target.name}: embedding answer has ${got} for ${expected} input item${expected === 1 ? '' : 's'}`, {
      provider: target.name,
      status: record.status,
      requestId: record.requestId,
    });
  }
  const r = response as EmbeddingResponse;
  const usage = r.usage;
  if (typeof usage !== 'object' || usage === null || typeof usage.prompt_tokens !== 'number') r.usage = estimateEmbeddingUsage(request.input);
  return r;
}

/**
 * Runs the `embed` attempt of `ctx` on `target`: sets `ctx.embeddingResponse`, `meta.model`, and
 * the record's outcome and usage.
 *
 * @throws what the adapter throws; {@link ServerError} when the answer does not hold one vector per item
 */
export async function embedAttempt(ctx: Context, target: Adapter, call: AdapterCall, record: AttemptRecord): Promise<void> {
  const request = ctx.request as unknown as EmbeddingRequest;
  const raw = await raceContext(target.embed!(request, call), ctx);
  const response = checkAnswer(raw, request, target, record);
  record.outcome = 'ok';
  record.latencyMs = ctx.clock.now() - record.startedAt;
  record.usage = embeddingUsageAsUsage(response.usage);
  ctx.embeddingResponse = response;
  ctx.response = undefined;
  ctx.stream = undefined;
  ctx.meta.model = response.model || request.model;
}
