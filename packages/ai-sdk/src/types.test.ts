/**
 * Type tests: what createLifeline and aiSdkAdapter give back, as the AI SDK and Lifeline see it.
 */
import type { LanguageModelV3, LanguageModelV4 } from '@ai-sdk/provider';
import { createClient, type Adapter } from '@lifeline/core';
import type { LanguageModel } from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import { aiSdkAdapter, type AiSdkAdapter } from './adapter/adapter.js';
import { createLifeline, type LifelineProvider, type LifelineProviderV3 } from './provider/provider.js';

describe('types', () => {
  const client = createClient();

  it('createLifeline gives a v4 provider by default, a v3 one on request', () => {
    expectTypeOf(createLifeline(client)).toEqualTypeOf<LifelineProvider>();
    expectTypeOf(createLifeline(client)('gpt-4.1')).toEqualTypeOf<LanguageModelV4>();
    expectTypeOf(createLifeline(client)('gpt-4.1')).toExtend<LanguageModel>();
    expectTypeOf(createLifeline(client, { specificationVersion: 'v3' })).toEqualTypeOf<LifelineProviderV3>();
    expectTypeOf(createLifeline(client, { specificationVersion: 'v3' })('gpt-4.1')).toEqualTypeOf<LanguageModelV3>();
  });

  it('aiSdkAdapter takes v4 and v3 models and provider functions, and is an Adapter', () => {
    expectTypeOf(aiSdkAdapter).parameter(0).toExtend<LanguageModelV4 | LanguageModelV3 | ((id: string) => LanguageModelV4 | LanguageModelV3)>();
    expectTypeOf<AiSdkAdapter>().toExtend<Adapter>();
  });
});
