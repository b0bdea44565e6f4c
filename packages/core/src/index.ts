/**
 * `@lifeline/core`: the pipeline every Lifeline package builds on — wire types, `Context`,
 * `compose`, `createClient` (chat, stream, embed), the error taxonomy, `timeout`, `fallbackResponse` and events.
 * @module
 */
export type * from './types.js';
export type * from './embedding-types.js';
export * from './errors.js';
export { redactSecrets } from './redact.js';
export { type Clock, systemClock } from './clock.js';
export { abortReason, throwIfAborted, sleep } from './abort.js';
export * from './events.js';
export { type Meta, type AttemptRecord, type RateLimitInfo, createMeta } from './meta.js';
export type { Adapter, AdapterCall, AdapterCapabilities, Cancellation, ResponseInfo } from './adapter.js';
export { Context, type ContextInit, type Operation } from './context.js';
export type { Middleware, Next } from './middleware.js';
export { compose } from './compose.js';
export { ResponseAssembler, isContentChunk, responseToChunks } from './assemble.js';
export { primeStream, isPrimed, type PrimedStream } from './prime.js';
export { validateRequest } from './validate.js';
export { validateEmbeddingRequest } from './validate-embedding.js';
export {
  embeddingItems,
  isBatchInput,
  requestForItems,
  isEmbeddingRequest,
  estimateItemTokens,
  estimateEmbeddingTokens,
  estimateEmbeddingUsage,
  encodeEmbedding,
  decodeEmbedding,
  embeddingWidth,
} from './embedding.js';
export { noEmbeddingsApi, embeddingUsageAsUsage, NO_EMBEDDINGS_API } from './terminal-embed.js';
export type { EmbeddingResult } from './client-embed.js';
export { createTerminal } from './terminal.js';
export { callCancellation } from './pipeline-call.js';
export { createClient, errorMeta, DEADLINE_GRACE_MS, type ClientOptions, type CallOptions, type ChatResult, type LifelineStream, type LifelineClient } from './client.js';
export { timeout, type TimeoutOptions } from './timeout.js';
export { fallbackResponse, isOutage, DEFAULT_FALLBACK_CONTENT, type FallbackResponseOptions } from './fallback-response.js';
export { ALTERNATIVES_LEFT, alternativesLeft } from './state-keys.js';
export { raceContext } from './race.js';
export { innermost, type DelegatingIterator } from './delegate.js';
export { tapStream, takeFrom, type StreamTap, type TakeableIterator, type TapEnd, type TappedStream } from './tap.js';
export { CHUNK_JSON, setChunkJson, chunkJsonOf, wantsChunkJson, RESPONSE_JSON, setResponseJson, responseJsonOf, wantsResponseJson } from './chunk-json.js';
