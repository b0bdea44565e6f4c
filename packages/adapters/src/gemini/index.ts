/**
 * The Gemini Developer API adapter and its translation functions.
 * @module
 */
export { gemini } from './adapter.js';
export { GEMINI_DEFAULTS, type GeminiOptions } from './options.js';
export { toGeminiRequest } from './request.js';
export { fromGeminiResponse, toFinishReason as geminiFinishReason, toUsage as geminiUsage, type GeminiResponseContext } from './response.js';
export { GeminiStreamTranslator, type GeminiStreamOptions } from './stream.js';
export { geminiError, type GeminiErrorInput } from './errors.js';
export type { GeminiRequest, GeminiResponse, GeminiUsage, GeminiContent, GeminiPart } from './types.js';
