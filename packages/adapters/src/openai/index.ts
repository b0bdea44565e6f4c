/**
 * The OpenAI-compatible adapter.
 * @module
 */
export { openai, type OpenAIAdapter } from './adapter.js';
export { OPENAI_DEFAULTS, type OpenAIOptions } from './options.js';
