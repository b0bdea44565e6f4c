import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { openai } from './adapter.js';
import { resolveOpenAIOptions, type OpenAIOptions } from './options.js';

describe('openai() options', () => {
  it('applies defaults', () => {
    const a = openai({ baseURL: 'https://api.openai.com/v1/', apiKey: 'sk-x' });
    expect(a).toMatchObject({ name: 'openai', kind: 'openai', capabilities: { prefill: false }, baseURL: 'https://api.openai.com/v1' });
    expect(resolveOpenAIOptions({ baseURL: 'https://api.openai.com/v1/' }).url.href).toBe('https://api.openai.com/v1/chat/completions');
  });

  it('keeps a query string and takes a custom path and capabilities', () => {
    const o = resolveOpenAIOptions({ baseURL: 'https://x.openai.azure.com/openai/v1?api-version=preview', path: '/responses', capabilities: { prefill: true } });
    expect(o.url.href).toBe('https://x.openai.azure.com/openai/v1/responses?api-version=preview');
    expect(o.capabilities).toEqual({ prefill: true });
  });

  it('redacts credentials passed as headers too', () => {
    const o = resolveOpenAIOptions({ baseURL: 'http://h/v1', apiKey: 'k-1234', headers: { 'api-key': 'azure-secret', Authorization: 'Bearer tok-5678' } });
    expect(o.secrets).toEqual(['k-1234', 'azure-secret', 'Bearer tok-5678', 'tok-5678']);
  });

  it.each([
    [{ baseURL: 'api.openai.com/v1' }, 'openai: baseURL must be an http(s) URL such as https://api.openai.com/v1, got "api.openai.com/v1"'],
    [{ baseURL: 'ftp://x/v1' }, 'openai: baseURL must be an http(s) URL such as https://api.openai.com/v1, got "ftp://x/v1"'],
    [{ baseURL: 'http://x/v1', apiKey: '' }, 'openai: apiKey must be a non-empty string or a non-empty list of keys, got a blank string'],
    [{ baseURL: 'http://x/v1', apiKey: 42 }, 'openai: apiKey must be a non-empty string or a non-empty list of keys, got a number'],
    [{ baseURL: 'http://x/v1', name: '' }, 'openai: name must be a non-empty string, got ""'],
    [{ baseURL: 'http://x/v1', headers: { a: 1 } }, 'openai: headers["a"] must be a string, got 1'],
    [{ baseURL: 'http://x/v1', includeUsage: 'yes' }, 'openai: includeUsage must be a boolean, got "yes"'],
    [{ baseURL: 'http://x/v1', path: 'chat' }, 'openai: path must be a path starting with "/", got "chat"'],
    [{ baseURL: 'http://x/v1', maxResponseBytes: 0 }, 'openai: maxResponseBytes must be a positive integer, got 0'],
    [{ baseURL: 'http://x/v1', connections: -2 }, 'openai: connections must be a positive integer, got -2'],
    [{ baseURL: 'http://x/v1', connectTimeoutMs: 0 }, 'openai: connectTimeoutMs must be a positive integer, got 0'],
  ])('rejects %j', (options, message) => {
    expect(() => openai(options as unknown as OpenAIOptions)).toThrow(new ConfigurationError(message));
  });

  it('rejects a missing options object', () => {
    expect(() => openai(undefined as unknown as OpenAIOptions)).toThrow('openai: options must be an object with baseURL, got undefined');
  });
});
