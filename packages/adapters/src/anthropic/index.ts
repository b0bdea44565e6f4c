/**
 * The Anthropic Messages adapter and its translation functions.
 * @module
 */
export { anthropic } from './adapter.js';
export { ANTHROPIC_DEFAULTS, type AnthropicOptions } from './options.js';
export { toAnthropicRequest, type AnthropicRequestOptions } from './request.js';
export { fromAnthropicMessage, toFinishReason as anthropicFinishReason, toUsage as anthropicUsage } from './response.js';
export { AnthropicStreamTranslator, type AnthropicStreamOptions } from './stream.js';
export { parseDataUrl, type DataUrl } from './content.js';
export type { AnthropicRequest, AnthropicMessage, AnthropicUsage, ThinkingBlock } from './types.js';
