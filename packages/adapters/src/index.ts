/**
 * `@lifeline/adapters`: the terminal step of a Lifeline pipeline. `openai()` speaks to any
 * OpenAI-compatible endpoint, `anthropic()` to the Messages API and `gemini()` to the Gemini API,
 * over pooled keep-alive connections, normalising errors and rate-limit headers, streaming with
 * SSE; `toFetch(client)` lets the official SDKs run on a Lifeline client.
 * The vendor-neutral HTTP layer (`HttpPool`, `send`, `SseReader`, `classifyError`, …) is exported
 * for writing adapters of your own.
 * @module
 */
export { openai, OPENAI_DEFAULTS, type OpenAIAdapter, type OpenAIOptions } from './openai/index.js';
export * from './anthropic/index.js';
export * from './gemini/index.js';
export { toOpenAIError, statusForError, type OpenAIErrorResponse, type ToOpenAIErrorOptions } from './openai/error-json.js';
export { toFetch, type FetchFunction, type ToFetchOptions } from './to-fetch.js';
export * from './http/index.js';
export * from './keys/index.js';
