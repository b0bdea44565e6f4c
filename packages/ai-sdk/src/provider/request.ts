/**
 * AI SDK call options → a Lifeline `ChatRequest` and the `CallOptions` of `client.chat()` /
 * `client.stream()`.
 * @module
 */
import { InvalidArgumentError, type LanguageModelV4CallOptions, type SharedV4Warning } from '@ai-sdk/provider';
import type { CallOptions, ChatRequest, FunctionTool, ToolChoice } from '@lifeline/core';
import { AI_SDK_METADATA_KEY, type AiSdkCallMetadata } from '../shared/call-metadata.js';
import { toChatMessages } from './prompt.js';

/** Keys of `providerOptions.lifeline` that are call options rather than request fields. */
const CALL_KEYS = new Set(['metadata', 'timeoutMs']);
/** Keys of `providerOptions.lifeline` read by the prompt translation, never sent as request fields. */
const PART_KEYS = new Set(['imageDetail', 'cacheControl', 'thinkingBlock', 'extraContent']);

/** A translated call. */
export interface TranslatedCall {
  request: ChatRequest;
  options: CallOptions;
  warnings: SharedV4Warning[];
}

function tools(options: LanguageModelV4CallOptions, warnings: SharedV4Warning[]): FunctionTool[] | undefined {
  if (!options.tools?.length) return undefined;
  const out: FunctionTool[] = [];
  for (const tool of options.tools) {
    if (tool.type !== 'function') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}`, details: 'Lifeline sends function tools only' });
      continue;
    }
    const fn: FunctionTool['function'] = { name: tool.name, parameters: tool.inputSchema as Record<string, unknown> };
    if (tool.description !== undefined) fn.description = tool.description;
    if (tool.strict !== undefined) fn.strict = tool.strict;
    out.push({ type: 'function', function: fn });
  }
  return out.length > 0 ? out : undefined;
}

function toolChoice(choice: LanguageModelV4CallOptions['toolChoice']): ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.toolName } };
  return choice.type;
}

function lifelineOptions(options: LanguageModelV4CallOptions): Record<string, unknown> {
  const value = options.providerOptions?.lifeline;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function callOptions(options: LanguageModelV4CallOptions, own: Record<string, unknown>): CallOptions {
  const call: CallOptions = {};
  if (options.abortSignal) call.signal = options.abortSignal;
  if (own.timeoutMs !== undefined) {
    if (typeof own.timeoutMs !== 'number' || !(own.timeoutMs > 0)) {
      throw new InvalidArgumentError({ argument: 'providerOptions.lifeline.timeoutMs', message: `providerOptions.lifeline.timeoutMs must be a positive number of milliseconds, got ${String(own.timeoutMs)}` });
    }
    call.timeoutMs = own.timeoutMs;
  }
  const metadata: Record<string, unknown> = {};
  if (own.metadata !== undefined) {
    if (typeof own.metadata !== 'object' || own.metadata === null || Array.isArray(own.metadata)) {
      throw new InvalidArgumentError({ argument: 'providerOptions.lifeline.metadata', message: 'providerOptions.lifeline.metadata must be an object' });
    }
    Object.assign(metadata, own.metadata);
  }
  const forwarded: AiSdkCallMetadata = {};
  const headers = Object.entries(options.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (headers.length > 0) forwarded.headers = Object.fromEntries(headers);
  const others = Object.entries(options.providerOptions ?? {}).filter(([key]) => key !== 'lifeline');
  if (others.length > 0) forwarded.providerOptions = Object.fromEntries(others) as Record<string, Record<string, unknown>>;
  if (forwarded.headers || forwarded.providerOptions) metadata[AI_SDK_METADATA_KEY] = forwarded;
  if (Object.keys(metadata).length > 0) call.metadata = metadata;
  return call;
}

/**
 * Translates an AI SDK call for the Lifeline client.
 *
 * | AI SDK | `ChatRequest` |
 * |---|---|
 * | `prompt` | `messages` |
 * | `maxOutputTokens`, `temperature`, `topP`, `stopSequences`, `seed`, `presencePenalty`, `frequencyPenalty` | `max_tokens`, `temperature`, `top_p`, `stop`, `seed`, `presence_penalty`, `frequency_penalty` |
 * | `tools` (function tools), `toolChoice` | `tools`, `tool_choice` |
 * | `responseFormat: { type: 'json', schema? }` | `response_format` `json_schema` (with a schema) or `json_object` |
 * | `reasoning` (other than `provider-default`) | `reasoning_effort` |
 * | `providerOptions.lifeline` (except `metadata`, `timeoutMs`) | extra request fields, sent as is |
 * | `abortSignal`, `providerOptions.lifeline.timeoutMs`, `providerOptions.lifeline.metadata` | `signal`, `timeoutMs`, `metadata` |
 * | `headers`, other `providerOptions` | `metadata.aiSdk` (see {@link AI_SDK_METADATA_KEY}) |
 *
 * @param modelId - the model to ask for
 * @param options - the AI SDK call options
 * @returns the request, the call options and the warnings
 */
export function toChatRequest(modelId: string, options: LanguageModelV4CallOptions): TranslatedCall {
  const warnings: SharedV4Warning[] = [];
  const request: ChatRequest = { model: modelId, messages: toChatMessages(options.prompt, warnings) };
  const set = <K extends string>(key: K, value: unknown) => {
    if (value !== undefined) request[key] = value;
  };
  set('max_tokens', options.maxOutputTokens);
  set('temperature', options.temperature);
  set('top_p', options.topP);
  set('stop', options.stopSequences?.length ? options.stopSequences : undefined);
  set('seed', options.seed);
  set('presence_penalty', options.presencePenalty);
  set('frequency_penalty', options.frequencyPenalty);
  if (options.topK !== undefined) warnings.push({ type: 'unsupported', feature: 'topK', details: 'the OpenAI-shaped request has no top_k; set providerOptions.lifeline.top_k for relays that accept it' });
  set('tools', tools(options, warnings));
  set('tool_choice', options.tools?.length ? toolChoice(options.toolChoice) : undefined);
  const format = options.responseFormat;
  if (format?.type === 'json') {
    request.response_format = format.schema
      ? { type: 'json_schema', json_schema: { name: format.name ?? 'response', ...(format.description ? { description: format.description } : {}), schema: format.schema as Record<string, unknown> } }
      : { type: 'json_object' };
  }
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') request.reasoning_effort = options.reasoning;
  const own = lifelineOptions(options);
  for (const [key, value] of Object.entries(own)) {
    if (!CALL_KEYS.has(key) && !PART_KEYS.has(key)) request[key] = value;
  }
  return { request, options: callOptions(options, own), warnings };
}
