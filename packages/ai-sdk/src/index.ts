/**
 * `@lifeline/ai-sdk`: Lifeline and the Vercel AI SDK, both ways. `createLifeline(client)` is an
 * AI SDK provider whose models run through a Lifeline client (retries, breakers, failover across
 * vendors, cache, cost); `aiSdkAdapter(model)` makes any AI SDK language model a Lifeline
 * adapter, so a failover route can use the AI SDK's providers.
 * @module
 */
export { createLifeline, type LifelineProvider, type LifelineProviderV3, type LifelineProviderOptions } from './provider/provider.js';
export { LifelineLanguageModel, type LifelineModelSettings } from './provider/language-model.js';
export { LifelineLanguageModelV3 } from './provider/language-model-v3.js';
export { toChatRequest, type TranslatedCall } from './provider/request.js';
export { toAiSdkError } from './provider/errors.js';
export { toProviderMetadata, type LifelineProviderMetadata } from './provider/metadata.js';
export { aiSdkAdapter, type AiSdkAdapter } from './adapter/adapter.js';
export type { AiSdkAdapterOptions, AiSdkLanguageModel, AiSdkModelSource } from './adapter/options.js';
export { fromAiSdkError } from './adapter/errors.js';
export { AI_SDK_METADATA_KEY, type AiSdkCallMetadata } from './shared/call-metadata.js';
export { toAiSdkUsage, toLifelineUsage } from './shared/usage.js';
