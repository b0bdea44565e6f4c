/**
 * The same model for `ai` 6, which speaks the language model specification v3.
 * @module
 */
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamResult } from '@ai-sdk/provider';
import { callOptionsV3ToV4 } from '../shared/v3.js';
import type { LifelineLanguageModel } from './language-model.js';

/**
 * A `LanguageModelV3` over a {@link LifelineLanguageModel}: v3 prompts are lifted to v4, and the
 * results (text, reasoning, tool calls, finish, usage) have the same shape in both versions.
 */
export class LifelineLanguageModelV3 implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly #model: LifelineLanguageModel;

  constructor(model: LifelineLanguageModel) {
    this.#model = model;
  }

  get provider(): string {
    return this.#model.provider;
  }

  get modelId(): string {
    return this.#model.modelId;
  }

  get supportedUrls(): Record<string, RegExp[]> {
    return this.#model.supportedUrls;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    return (await this.#model.doGenerate(callOptionsV3ToV4(options))) as LanguageModelV3GenerateResult;
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    return (await this.#model.doStream(callOptionsV3ToV4(options))) as unknown as LanguageModelV3StreamResult;
  }
}
