/**
 * `ChatRequest` (OpenAI shape) → the body of Gemini's `generateContent` (the model goes in the URL).
 *
 * Translated: messages (see `messages.ts`), `max_completion_tokens`/`max_tokens` →
 * `maxOutputTokens`, `temperature`, `top_p`, `top_k`, `stop`, `n` → `candidateCount`, `seed`,
 * `presence_penalty`, `frequency_penalty`, `response_format` → `responseMimeType` +
 * `responseJsonSchema`, `tools` → `functionDeclarations` (`parametersJsonSchema`), `tool_choice` →
 * `toolConfig`. Gemini-native `safetySettings` and `cachedContent` pass through, and a
 * `gemini: {…}` object on the request is merged into the body last (its `generationConfig` merged
 * into the translated one). Every other field is OpenAI-only and dropped.
 * @module
 */
import type { ChatRequest, FunctionTool, ToolChoice } from '@lifeline/core';
import { invalid } from '../anthropic/content.js';
import { toGeminiConversation } from './messages.js';
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest, GeminiToolConfig } from './types.js';

function toDeclaration(tool: FunctionTool, provider: string, i: number): GeminiFunctionDeclaration {
  const fn = tool?.function;
  if (tool?.type !== 'function' || typeof fn?.name !== 'string') {
    return invalid(provider, `tools[${i}]`, 'must be a function tool ({ type: "function", function: { name, parameters } })');
  }
  const out: GeminiFunctionDeclaration = { name: fn.name };
  if (fn.description !== undefined) out.description = fn.description;
  if (fn.parameters !== undefined) out.parametersJsonSchema = fn.parameters;
  return out;
}

function toToolConfig(choice: ToolChoice | undefined, provider: string): GeminiToolConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (typeof choice === 'object' && typeof choice.function?.name === 'string') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  }
  return invalid(provider, 'tool_choice', `must be "none", "auto", "required" or { type: "function", function: { name } }, got ${JSON.stringify(choice)}`);
}

function generationConfig(request: ChatRequest, provider: string): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const num = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(provider, field, `must be a number, got ${String(value)}`);
    return value;
  };
  const set = (key: keyof GeminiGenerationConfig & string, value: number | undefined): void => {
    if (value !== undefined) config[key] = value;
  };
  set('temperature', num(request.temperature, 'temperature'));
  set('topP', num(request.top_p, 'top_p'));
  set('topK', num(request.top_k, 'top_k'));
  set('maxOutputTokens', num(request.max_completion_tokens ?? request.max_tokens, request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens'));
  set('candidateCount', num(request.n, 'n'));
  set('seed', num(request.seed, 'seed'));
  set('presencePenalty', num(request.presence_penalty, 'presence_penalty'));
  set('frequencyPenalty', num(request.frequency_penalty, 'frequency_penalty'));
  if (request.stop != null) {
    const stops = (Array.isArray(request.stop) ? request.stop : [request.stop]).filter((s) => s !== '');
    if (stops.length > 0) config.stopSequences = stops;
  }
  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema?.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  return config;
}

/**
 * Translates a `ChatRequest` into a Gemini `generateContent` body.
 *
 * @param request - the OpenAI-shaped request
 * @param provider - adapter name, for error messages
 * @returns the exact JSON body to send (the model goes in the URL path)
 * @throws {@link BadRequestError} naming the field: tool results that match no tool call, arguments
 *   that are not a JSON object, unsupported content parts
 * @example
 * ```ts
 * toGeminiRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] }, 'gemini')
 * // { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }
 * ```
 */
export function toGeminiRequest(request: ChatRequest, provider: string): GeminiRequest {
  const { systemInstruction, contents } = toGeminiConversation(provider, request.messages);
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  if (Array.isArray(request.tools) && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map((tool, i) => toDeclaration(tool, provider, i)) }];
    const toolConfig = toToolConfig(request.tool_choice, provider);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  if (request.safetySettings !== undefined) body.safetySettings = request.safetySettings;
  if (typeof request.cachedContent === 'string') body.cachedContent = request.cachedContent;
  let config = generationConfig(request, provider);
  const native = request.gemini;
  if (native !== undefined && native !== null) {
    if (typeof native !== 'object' || Array.isArray(native)) invalid(provider, 'gemini', 'must be an object of Gemini request fields');
    const { generationConfig: extra, ...rest } = native as Record<string, unknown>;
    if (extra && typeof extra === 'object') config = { ...config, ...(extra as GeminiGenerationConfig) };
    Object.assign(body, rest);
  }
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}
