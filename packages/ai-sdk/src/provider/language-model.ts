/**
 * The AI SDK language model backed by a Lifeline client: `doGenerate` runs `client.chat()`,
 * `doStream` runs `client.stream()`, through every middleware of the client.
 * @module
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { LifelineClient } from '@lifeline/core';
import { toUnifiedFinishReason } from '../shared/finish-reason.js';
import { toAiSdkUsage } from '../shared/usage.js';
import { toAiSdkError } from './errors.js';
import { toProviderMetadata } from './metadata.js';
import { toChatRequest } from './request.js';
import { toContent } from './response.js';
import { openStream } from './stream.js';

/** Settings of one model, given as `lifeline(modelId, settings)`. */
export interface LifelineModelSettings {
  /**
   * URL patterns (by media type) the upstream reads itself, so the AI SDK does not download them
   * first. Only images can be sent by URL in the OpenAI shape.
   * @defaultValue `{ 'image/*': [/^https?:\/\/.+$/] }`
   */
  supportedUrls?: Record<string, RegExp[]>;
}

const DEFAULT_URLS: Record<string, RegExp[]> = { 'image/*': [/^https?:\/\/.+$/] };

/** A `LanguageModelV4` whose calls run through a Lifeline client. */
export class LifelineLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]>;
  readonly #client: LifelineClient;

  constructor(client: LifelineClient, modelId: string, provider: string, settings: LifelineModelSettings = {}) {
    this.#client = client;
    this.modelId = modelId;
    this.provider = provider;
    this.supportedUrls = settings.supportedUrls ?? DEFAULT_URLS;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { request, options: call, warnings } = toChatRequest(this.modelId, options);
    let result;
    try {
      result = await this.#client.chat(request, call);
    } catch (error) {
      throw toAiSdkError(error, request);
    }
    const { response, meta } = result;
    const choice = response.choices[0];
    return {
      content: toContent(choice?.message),
      finishReason: toUnifiedFinishReason(choice?.finish_reason),
      usage: toAiSdkUsage(response.usage ?? meta.usage),
      providerMetadata: { lifeline: toProviderMetadata(meta) },
      request: { body: request },
      response: { id: response.id || undefined, modelId: response.model || meta.model, timestamp: response.created ? new Date(response.created * 1000) : undefined, body: response },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { request, options: call, warnings } = toChatRequest(this.modelId, options);
    let stream;
    try {
      stream = this.#client.stream(request, call);
    } catch (error) {
      throw toAiSdkError(error, request);
    }
    return { stream: await openStream(stream, request, warnings, options.includeRawChunks === true), request: { body: request } };
  }
}
