/**
 * `createLifeline(client)`: an AI SDK provider whose models run through a Lifeline client —
 * retries, circuit breakers, failover, cache, cost metering — behind `generateText`,
 * `streamText`, `generateObject` and the rest of the AI SDK.
 * @module
 */
import { NoSuchModelError, type LanguageModelV3, type LanguageModelV4, type ProviderV4 } from '@ai-sdk/provider';
import { ConfigurationError, type LifelineClient } from '@lifeline/core';
import { LifelineLanguageModel, type LifelineModelSettings } from './language-model.js';
import { LifelineLanguageModelV3 } from './language-model-v3.js';

/** Options of {@link createLifeline}. */
export interface LifelineProviderOptions {
  /**
   * The provider id the AI SDK reports (`model.provider`, telemetry).
   * @defaultValue `'lifeline'`
   */
  name?: string;
  /**
   * The language model specification the models implement: `'v4'` for `ai` 7, `'v3'` for `ai` 6.
   * (`ai` 7 also accepts v3 models, converting them.)
   * @defaultValue `'v4'`
   */
  specificationVersion?: 'v3' | 'v4';
}

/** The provider for `ai` 7: call it with a model id. */
export interface LifelineProvider extends ProviderV4 {
  (modelId: string, settings?: LifelineModelSettings): LanguageModelV4;
  languageModel(modelId: string, settings?: LifelineModelSettings): LanguageModelV4;
}

/** The provider for `ai` 6 (`specificationVersion: 'v3'`). */
export interface LifelineProviderV3 {
  (modelId: string, settings?: LifelineModelSettings): LanguageModelV3;
  readonly specificationVersion: 'v3';
  languageModel(modelId: string, settings?: LifelineModelSettings): LanguageModelV3;
  embeddingModel(modelId: string): never;
  imageModel(modelId: string): never;
}

function validate(client: unknown, options: LifelineProviderOptions): void {
  const c = client as Partial<LifelineClient> | null | undefined;
  if (typeof c?.chat !== 'function' || typeof c?.stream !== 'function') {
    throw new ConfigurationError(`createLifeline: client must be a Lifeline client (createClient() from @lifeline/core), got ${client === null ? 'null' : typeof client}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new ConfigurationError(`createLifeline: name must be a non-empty string, got ${JSON.stringify(options.name)}`);
  }
  const version = options.specificationVersion;
  if (version !== undefined && version !== 'v3' && version !== 'v4') {
    throw new ConfigurationError(`createLifeline: specificationVersion must be 'v3' or 'v4', got ${JSON.stringify(version)}`);
  }
}

/**
 * Creates an AI SDK provider backed by a Lifeline client.
 *
 * Errors reach the AI SDK as `APICallError` with `isRetryable: false` (Lifeline already retried
 * and failed over), so leave the AI SDK's `maxRetries` as it is: it will not add requests.
 * `providerMetadata.lifeline` tells who answered, how many attempts and failovers it took, the
 * cost, and the cache and degraded state.
 *
 * @param client - a client from `createClient()`
 * @param options - provider name and specification version
 * @returns the provider: `lifeline('gpt-4.1')` is a language model
 * @throws {@link ConfigurationError} when `client` is not a Lifeline client or an option is invalid
 * @example
 * ```ts
 * import { generateText } from 'ai';
 * const lifeline = createLifeline(createClient({ use: [failover([primary, backup])] }));
 * const { text, providerMetadata } = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hello' });
 * console.log(text, providerMetadata?.lifeline?.provider);
 * ```
 */
export function createLifeline(client: LifelineClient, options?: LifelineProviderOptions & { specificationVersion?: 'v4' }): LifelineProvider;
export function createLifeline(client: LifelineClient, options: LifelineProviderOptions & { specificationVersion: 'v3' }): LifelineProviderV3;
export function createLifeline(client: LifelineClient, options: LifelineProviderOptions = {}): LifelineProvider | LifelineProviderV3 {
  validate(client, options);
  const name = options.name ?? 'lifeline';
  const v3 = options.specificationVersion === 'v3';
  const languageModel = (modelId: string, settings?: LifelineModelSettings) => {
    if (typeof modelId !== 'string' || modelId === '') {
      throw new ConfigurationError(`createLifeline: the model id must be a non-empty string, got ${JSON.stringify(modelId)}`);
    }
    const model = new LifelineLanguageModel(client, modelId, name, settings);
    return v3 ? new LifelineLanguageModelV3(model) : model;
  };
  const provider = (modelId: string, settings?: LifelineModelSettings) => languageModel(modelId, settings);
  return Object.assign(provider, {
    specificationVersion: v3 ? 'v3' : 'v4',
    languageModel,
    embeddingModel(modelId: string): never {
      throw new NoSuchModelError({ modelId, modelType: 'embeddingModel', message: `${name}: embedding models are not available through createLifeline; use the Lifeline client directly` });
    },
    imageModel(modelId: string): never {
      throw new NoSuchModelError({ modelId, modelType: 'imageModel', message: `${name}: image models are not available through createLifeline` });
    },
  }) as unknown as LifelineProvider | LifelineProviderV3;
}
