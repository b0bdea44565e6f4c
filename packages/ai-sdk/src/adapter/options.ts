/**
 * Options of `aiSdkAdapter()`, validated once.
 * @module
 */
import type { LanguageModelV3, LanguageModelV4, SharedV4ProviderOptions } from '@ai-sdk/provider';
import { ConfigurationError, systemClock, type Clock } from '@lifeline/core';

/** An AI SDK language model of specification v3 (`ai` 6 providers) or v4 (`ai` 7 providers). */
export type AiSdkLanguageModel = LanguageModelV3 | LanguageModelV4;

/**
 * What `aiSdkAdapter()` wraps: one model, or a provider function (`anthropic`, `mistral`,
 * `createOpenAICompatible(…)`) that makes the model the request names.
 */
export type AiSdkModelSource = AiSdkLanguageModel | ((modelId: string) => AiSdkLanguageModel);

/** Options of `aiSdkAdapter()`. */
export interface AiSdkAdapterOptions {
  /**
   * Target name: `meta.provider`, error `provider`, breaker key, `meter()` catalog key.
   * @defaultValue the model's provider id up to its first dot (`anthropic` for `anthropic.messages`)
   */
  name?: string;
  /**
   * Whether the model accepts a final assistant message as a prefill, so failover's
   * `midStream: 'continue'` can continue a broken answer on it.
   * @defaultValue `true` for the AI SDK's Anthropic provider (`anthropic.*`), else `false`
   */
  prefill?: boolean;
  /** Headers sent with every call (a call's own `metadata.aiSdk.headers` win). @defaultValue `{}` */
  headers?: Record<string, string>;
  /** Provider options sent with every call, e.g. `{ anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } }`. @defaultValue `{}` */
  providerOptions?: SharedV4ProviderOptions;
  /** Time source for `created` and ids. @defaultValue the system clock */
  clock?: Pick<Clock, 'now'>;
}

/** Resolved options. */
export interface ResolvedAiSdkAdapterOptions {
  name: string;
  prefill: boolean;
  headers: Record<string, string>;
  providerOptions: SharedV4ProviderOptions;
  clock: Pick<Clock, 'now'>;
}

const fail = (field: string, want: string, got: unknown): never => {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : got === null ? 'null' : typeof got === 'object' ? 'an object' : String(got);
  throw new ConfigurationError(`aiSdkAdapter: ${field} must be ${want}, got ${shown}`);
};

function isModel(value: unknown): value is AiSdkLanguageModel {
  const v = value as Partial<LanguageModelV4> | null;
  return typeof v === 'object' && v !== null && typeof v.doGenerate === 'function' && typeof v.doStream === 'function';
}

/**
 * Checks the model (or provider function) and resolves the options.
 * @throws {@link ConfigurationError} naming the field and the value
 */
export function resolveOptions(source: unknown, options: AiSdkAdapterOptions): ResolvedAiSdkAdapterOptions {
  if (typeof source !== 'function' && !isModel(source)) fail('model', 'an AI SDK language model or a provider function (modelId) => model', source);
  if (isModel(source) && source.specificationVersion !== 'v3' && source.specificationVersion !== 'v4') {
    fail('model.specificationVersion', "'v3' or 'v4' (ai 6 or ai 7 providers)", (source as { specificationVersion?: unknown }).specificationVersion);
  }
  const { name, prefill, headers = {}, providerOptions = {}, clock = systemClock } = options;
  if (name !== undefined && (typeof name !== 'string' || name === '')) fail('name', 'a non-empty string', name);
  if (prefill !== undefined && typeof prefill !== 'boolean') fail('prefill', 'a boolean', prefill);
  if (typeof headers !== 'object' || headers === null) fail('headers', 'an object of strings', headers);
  for (const [k, v] of Object.entries(headers)) if (typeof v !== 'string') fail(`headers[${JSON.stringify(k)}]`, 'a string', v);
  if (typeof providerOptions !== 'object' || providerOptions === null) fail('providerOptions', 'an object keyed by provider', providerOptions);
  if (typeof clock?.now !== 'function') fail('clock', 'an object with now()', clock);
  const providerId = isModel(source) ? source.provider : undefined;
  const fallbackName = providerId?.split('.')[0] || 'ai-sdk';
  return {
    name: name ?? fallbackName,
    prefill: prefill ?? (providerId?.startsWith('anthropic') === true),
    headers: { ...headers },
    providerOptions,
    clock,
  };
}

/**
 * The model for one request: the wrapped model itself, or the provider function's model for the
 * requested id.
 * @throws {@link ConfigurationError} when the provider function does not return a model
 */
export function modelFor(source: AiSdkModelSource, modelId: string, name: string): AiSdkLanguageModel {
  if (typeof source !== 'function') return source;
  const model = source(modelId);
  if (!isModel(model)) fail(`model(${JSON.stringify(modelId)})`, 'an AI SDK language model', model);
  if (model.specificationVersion !== 'v3' && model.specificationVersion !== 'v4') {
    throw new ConfigurationError(`aiSdkAdapter ${name}: model ${JSON.stringify(modelId)} implements specification ${String((model as { specificationVersion?: unknown }).specificationVersion)}; v3 or v4 is required`);
  }
  return model;
}
