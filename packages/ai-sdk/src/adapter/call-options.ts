/**
 * A Lifeline `ChatRequest` → the AI SDK's call options.
 * @module
 */
import type { JSONSchema7, LanguageModelV4CallOptions, LanguageModelV4FunctionTool, LanguageModelV4ToolChoice, SharedV4ProviderOptions } from '@ai-sdk/provider';
import { BadRequestError, type AdapterCall, type ChatRequest } from '@lifeline/core';
import { AI_SDK_METADATA_KEY, type AiSdkCallMetadata } from '../shared/call-metadata.js';
import { toPrompt } from './prompt.js';

const REASONING = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

/** What the adapter adds to every call. */
export interface CallDefaults {
  headers: Record<string, string>;
  providerOptions: SharedV4ProviderOptions;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function tools(request: ChatRequest): LanguageModelV4FunctionTool[] | undefined {
  if (!request.tools?.length) return undefined;
  return request.tools.map((tool) => {
    const fn = tool.function;
    const out: LanguageModelV4FunctionTool = { type: 'function', name: fn.name, inputSchema: (fn.parameters ?? { type: 'object', properties: {} }) as JSONSchema7 };
    if (fn.description !== undefined) out.description = fn.description;
    if (typeof fn.strict === 'boolean') out.strict = fn.strict;
    return out;
  });
}

function toolChoice(provider: string, choice: ChatRequest['tool_choice']): LanguageModelV4ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'object' && typeof choice.function?.name === 'string') return { type: 'tool', toolName: choice.function.name };
  throw new BadRequestError(`${provider}: tool_choice must be 'auto', 'none', 'required' or { type: 'function', function: { name } }`, { provider, field: 'tool_choice' });
}

function responseFormat(format: ChatRequest['response_format']): LanguageModelV4CallOptions['responseFormat'] {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json' };
  const spec = format.json_schema;
  const out: LanguageModelV4CallOptions['responseFormat'] = { type: 'json', name: spec.name };
  if (spec.schema) out.schema = spec.schema as JSONSchema7;
  if (spec.description) out.description = spec.description;
  return out;
}

/** Per-provider merge of option objects: the later wins key by key. */
function mergeProviderOptions(...all: Array<SharedV4ProviderOptions | undefined>): SharedV4ProviderOptions | undefined {
  const out: SharedV4ProviderOptions = {};
  for (const options of all) {
    for (const [key, value] of Object.entries(options ?? {})) out[key] = { ...out[key], ...value };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Translates a request.
 *
 * | `ChatRequest` | AI SDK |
 * |---|---|
 * | `messages` | `prompt` |
 * | `max_completion_tokens` (else `max_tokens`), `temperature`, `top_p`, `stop`, `seed`, `presence_penalty`, `frequency_penalty` | `maxOutputTokens`, `temperature`, `topP`, `stopSequences`, `seed`, `presencePenalty`, `frequencyPenalty` |
 * | `tools`, `tool_choice`, `response_format` | `tools`, `toolChoice`, `responseFormat` |
 * | `reasoning_effort` | `reasoning` |
 * | the adapter's `headers` and `providerOptions`, then `metadata.aiSdk` | `headers`, `providerOptions` |
 * | the attempt's signal | `abortSignal` |
 *
 * @param provider - target name, for error messages
 * @param request - the request
 * @param call - the attempt's signal and metadata
 * @param defaults - the adapter's headers and provider options
 * @throws {@link BadRequestError} for content the AI SDK cannot take
 */
export function toCallOptions(provider: string, request: ChatRequest, call: AdapterCall, defaults: CallDefaults): LanguageModelV4CallOptions {
  const options: LanguageModelV4CallOptions = { prompt: toPrompt(provider, request.messages), abortSignal: call.signal };
  const set = <K extends keyof LanguageModelV4CallOptions>(key: K, value: LanguageModelV4CallOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('maxOutputTokens', num(request.max_completion_tokens) ?? num(request.max_tokens));
  set('temperature', num(request.temperature));
  set('topP', num(request.top_p));
  set('seed', num(request.seed));
  set('presencePenalty', num(request.presence_penalty));
  set('frequencyPenalty', num(request.frequency_penalty));
  if (typeof request.stop === 'string') options.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) options.stopSequences = request.stop;
  set('tools', tools(request));
  set('toolChoice', toolChoice(provider, request.tool_choice));
  set('responseFormat', responseFormat(request.response_format));
  if (typeof request.reasoning_effort === 'string' && REASONING.has(request.reasoning_effort)) options.reasoning = request.reasoning_effort as LanguageModelV4CallOptions['reasoning'];
  const forwarded = call.metadata[AI_SDK_METADATA_KEY] as AiSdkCallMetadata | undefined;
  const headers = { ...defaults.headers, ...forwarded?.headers };
  if (Object.keys(headers).length > 0) options.headers = headers;
  set('providerOptions', mergeProviderOptions(defaults.providerOptions, forwarded?.providerOptions as SharedV4ProviderOptions | undefined));
  return options;
}
