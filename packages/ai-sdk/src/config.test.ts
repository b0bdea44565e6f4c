/**
 * Setup mistakes get a ConfigurationError naming the option and the value.
 */
import { NoSuchModelError } from '@ai-sdk/provider';
import { ConfigurationError, createClient } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { aiSdkAdapter } from './adapter/adapter.js';
import { createLifeline } from './provider/provider.js';

const client = createClient();
const model = { specificationVersion: 'v4', provider: 'x.chat', modelId: 'm', supportedUrls: {}, doGenerate: async () => ({}), doStream: async () => ({}) } as never;

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createLifeline — configuration', () => {
  it('refuses what is not a Lifeline client', () => {
    expect(configError(() => createLifeline({} as never)).message).toBe('createLifeline: client must be a Lifeline client (createClient() from @lifeline/core), got object');
    expect(configError(() => createLifeline(null as never)).message).toBe('createLifeline: client must be a Lifeline client (createClient() from @lifeline/core), got null');
  });

  it('refuses a bad name, specification version or model id', () => {
    expect(configError(() => createLifeline(client, { name: '' })).message).toBe('createLifeline: name must be a non-empty string, got ""');
    expect(configError(() => createLifeline(client, { specificationVersion: 'v2' } as never)).message).toBe(`createLifeline: specificationVersion must be 'v3' or 'v4', got "v2"`);
    expect(configError(() => createLifeline(client)('')).message).toBe('createLifeline: the model id must be a non-empty string, got ""');
  });

  it('is a provider: languageModel(), v4 by default, v3 on request; no embedding or image models', () => {
    const lifeline = createLifeline(client, { name: 'gateway' });
    expect(lifeline.specificationVersion).toBe('v4');
    expect(lifeline('gpt-4.1')).toMatchObject({ specificationVersion: 'v4', provider: 'gateway', modelId: 'gpt-4.1' });
    expect(lifeline.languageModel('gpt-4.1').modelId).toBe('gpt-4.1');
    expect(createLifeline(client, { specificationVersion: 'v3' })('gpt-4.1')).toMatchObject({ specificationVersion: 'v3', provider: 'lifeline', modelId: 'gpt-4.1' });
    expect(() => lifeline.embeddingModel('e')).toThrow(NoSuchModelError);
    expect(() => lifeline.embeddingModel('e')).toThrow('gateway: embedding models are not available through createLifeline; use the Lifeline client directly');
  });
});

describe('aiSdkAdapter — configuration', () => {
  it('refuses what is not an AI SDK model', () => {
    expect(configError(() => aiSdkAdapter({} as never)).message).toBe('aiSdkAdapter: model must be an AI SDK language model or a provider function (modelId) => model, got an object');
    expect(configError(() => aiSdkAdapter({ ...(model as object), specificationVersion: 'v2' } as never)).message).toBe(
      `aiSdkAdapter: model.specificationVersion must be 'v3' or 'v4' (ai 6 or ai 7 providers), got "v2"`,
    );
  });

  it('refuses bad options, naming the field', () => {
    expect(configError(() => aiSdkAdapter(model, { name: '' })).message).toBe('aiSdkAdapter: name must be a non-empty string, got ""');
    expect(configError(() => aiSdkAdapter(model, { prefill: 'yes' as never })).message).toBe('aiSdkAdapter: prefill must be a boolean, got "yes"');
    expect(configError(() => aiSdkAdapter(model, { headers: { 'x-a': 1 as never } })).message).toBe('aiSdkAdapter: headers["x-a"] must be a string, got 1');
  });

  it('names the target after the provider id by default', () => {
    expect(aiSdkAdapter(model)).toMatchObject({ name: 'x', kind: 'ai-sdk' });
    expect(aiSdkAdapter(model, { name: 'backup' }).name).toBe('backup');
  });

  it('a provider function that returns no model fails the call with a ConfigurationError', async () => {
    const adapter = aiSdkAdapter((() => ({})) as never, { name: 'p' });
    const error = await adapter.chat({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, { signal: new AbortController().signal, metadata: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe('aiSdkAdapter: model("m") must be an AI SDK language model, got an object');
  });
});
