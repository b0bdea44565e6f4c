/**
 * Embeddings on the Gemini API, in the OpenAI shape: one text goes to
 * `models/{model}:embedContent`, several to `:batchEmbedContents` (at most 100 per request, so a
 * larger batch is sent as several requests, in order); `dimensions` becomes
 * `outputDimensionality`, `task_type`/`taskType` and `title` pass through, and base64 is encoded
 * here (Gemini answers floats only).
 * @module
 */
import {
  BadRequestError,
  ServerError,
  embeddingItems,
  encodeEmbedding,
  estimateEmbeddingUsage,
  isBatchInput,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type EmbeddingUsage,
} from '@lifeline/core';

/** Most requests one `batchEmbedContents` call may carry. */
export const GEMINI_EMBED_BATCH = 100;

/** One HTTP request of an embedding call. */
export interface GeminiEmbedPlan {
  /** `embedContent` or `batchEmbedContents`. */
  method: 'embedContent' | 'batchEmbedContents';
  body: Record<string, unknown>;
  /** How many vectors the answer holds. */
  count: number;
}

/** `models/{model}` as the request body names it (a full resource name is kept). */
export function modelResource(model: string): string {
  return /^(models|tunedModels)\//.test(model) ? model : `models/${model}`;
}

/**
 * The requests an embedding call becomes.
 * @throws {@link BadRequestError} for token-id input (Gemini embeds text only)
 */
export function planGeminiEmbed(request: EmbeddingRequest, provider: string, label: string): GeminiEmbedPlan[] {
  const items = embeddingItems(request.input);
  const texts = items.map((item, i) => {
    if (typeof item === 'string') return item;
    throw new BadRequestError(`${label}: Gemini embeds text only; input${isBatchInput(request.input) ? `[${i}]` : ''} is token ids`, { provider, field: 'input', status: 400 });
  });
  const options: Record<string, unknown> = {};
  if (request.dimensions !== undefined) options.outputDimensionality = request.dimensions;
  const taskType = request.taskType ?? request.task_type;
  if (typeof taskType === 'string') options.taskType = taskType;
  if (typeof request.title === 'string') options.title = request.title;
  const content = (text: string) => ({ parts: [{ text }] });
  if (!isBatchInput(request.input)) return [{ method: 'embedContent', body: { content: content(texts[0]!), ...options }, count: 1 }];
  const model = modelResource(request.model);
  const plans: GeminiEmbedPlan[] = [];
  for (let i = 0; i < texts.length; i += GEMINI_EMBED_BATCH) {
    const slice = texts.slice(i, i + GEMINI_EMBED_BATCH);
    plans.push({ method: 'batchEmbedContents', body: { requests: slice.map((t) => ({ model, content: content(t), ...options })) }, count: slice.length });
  }
  return plans;
}

const isFloats = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/**
 * The vectors of one answer.
 * @throws {@link ServerError} when the body is not an `embedContent` / `batchEmbedContents` answer with `count` vectors
 */
export function geminiVectors(body: unknown, plan: GeminiEmbedPlan, ctx: { provider: string; label: string; status: number; requestId: string | undefined }): number[][] {
  const b = body as { embedding?: { values?: unknown }; embeddings?: Array<{ values?: unknown }> } | null;
  const values = plan.method === 'embedContent' ? [b?.embedding?.values] : Array.isArray(b?.embeddings) ? b.embeddings.map((e) => e?.values) : [];
  if (values.length !== plan.count || !values.every(isFloats)) {
    throw new ServerError(`${ctx.label}: ${ctx.status} response is not a ${plan.method} answer with ${plan.count} embedding${plan.count === 1 ? '' : 's'}`, {
      provider: ctx.provider,
      status: ctx.status,
      requestId: ctx.requestId,
    });
  }
  return values as number[][];
}

/** Input tokens an answer reports (`usageMetadata.promptTokenCount`), when it reports any. */
export function reportedTokens(body: unknown): number | undefined {
  const n = (body as { usageMetadata?: { promptTokenCount?: unknown } } | null)?.usageMetadata?.promptTokenCount;
  return typeof n === 'number' ? n : undefined;
}

/**
 * The OpenAI-shaped answer: vectors in order, base64 when asked, usage as reported (summed over
 * the requests) or estimated (`estimated: true`) when Gemini reported none.
 */
export function toEmbeddingResponse(request: EmbeddingRequest, vectors: number[][], tokens: number | undefined): EmbeddingResponse {
  const base64 = request.encoding_format === 'base64';
  const usage: EmbeddingUsage = tokens === undefined ? estimateEmbeddingUsage(request.input) : { prompt_tokens: tokens, total_tokens: tokens };
  return {
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? encodeEmbedding(v) : v })),
    model: request.model,
    usage,
  };
}
