/**
 * Options of {@link anthropic}, their defaults and their validation.
 * @module
 */
import { bareBaseURL, describeValue, optionFail, readKeysAndName } from '../http/options.js';
import type { ApiKeyInput, ApiKeySpec, KeyPoolOptions } from '../keys/options.js';
import type { ConfigurationError } from '@lifeline/core';
import type { HttpPoolOptions } from '../http/pool.js';

/** Options of `anthropic()`. Pool and timeout settings ({@link HttpPoolOptions}) apply too. */
export interface AnthropicOptions extends HttpPoolOptions {
  /**
   * The API key, sent as `x-api-key`. Never appears in an error.
   * Several keys (`[k1, k2, k3]`, or `{ key, rpm, tpm }` objects) make a key pool: each attempt
   * goes out with one of them, see `keyPool`.
   */
  apiKey: ApiKeyInput;
  /**
   * How a pool of keys (`apiKey` listing two or more) picks a key, cools down a rate-limited one
   * and quarantines a refused one; where that state is kept.
   * @defaultValue round-robin, in this process's memory
   */
  keyPool?: KeyPoolOptions | undefined;
  /**
   * The bare origin, as in the official SDK: the adapter appends `/v1/messages`. A path prefix
   * (a gateway such as `https://gateway.example.com/anthropic`) is kept.
   * @defaultValue 'https://api.anthropic.com'
   */
  baseURL?: string;
  /**
   * Target name: `meta.provider`, the errors' `provider`, the breaker key.
   * @defaultValue 'anthropic'
   */
  name?: string;
  /**
   * The `anthropic-version` header.
   * @defaultValue '2023-06-01'
   */
  version?: string;
  /**
   * `max_tokens` to send when a request sets neither `max_completion_tokens` nor `max_tokens`
   * (Anthropic requires one). Unset, such a request fails with a `BadRequestError` before sending;
   * set it when requests written for OpenAI may fail over to Anthropic.
   * @defaultValue undefined
   */
  defaultMaxTokens?: number;
  /**
   * Extra request headers, e.g. `{ 'anthropic-beta': 'context-1m-2025-08-07' }`. They cannot
   * replace `x-api-key` or `anthropic-version`.
   * @defaultValue {}
   */
  headers?: Record<string, string>;
}

/** The options once defaults are applied. */
export interface ResolvedAnthropicOptions {
  /** The first (or only) key. */
  apiKey: string;
  /** Every key, in order. */
  apiKeys: ApiKeySpec[];
  baseURL: string;
  name: string;
  version: string;
  defaultMaxTokens: number | undefined;
  headers: Record<string, string>;
}

/** Defaults of {@link AnthropicOptions}. */
export const ANTHROPIC_DEFAULTS: Readonly<Omit<ResolvedAnthropicOptions, 'apiKey' | 'apiKeys'>> = {
  baseURL: 'https://api.anthropic.com',
  name: 'anthropic',
  version: '2023-06-01',
  defaultMaxTokens: undefined,
  headers: {},
};

const fail = optionFail('anthropic');
const shown = describeValue;

/**
 * Checks options and fills in defaults. A trailing `/` of `baseURL` is dropped.
 * @throws {@link ConfigurationError} naming the field and the value (never the API key's value)
 */
export function resolveAnthropicOptions(options: AnthropicOptions): ResolvedAnthropicOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', String(options));
  const { apiKey, baseURL = ANTHROPIC_DEFAULTS.baseURL, name = ANTHROPIC_DEFAULTS.name, version = ANTHROPIC_DEFAULTS.version, defaultMaxTokens, headers = {} } = options;
  const apiKeys = readKeysAndName('anthropic', apiKey, name, fail);
  if (typeof version !== 'string' || version === '') fail('version', 'a non-empty string', shown(version));
  if (defaultMaxTokens !== undefined && (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1)) {
    fail('defaultMaxTokens', 'a positive integer', shown(defaultMaxTokens));
  }
  const base = bareBaseURL(baseURL, fail, 'a URL without query or fragment');
  if (/\/v1$/.test(base)) fail('baseURL', 'the bare origin as in the official SDK (the adapter appends /v1/messages); drop the trailing /v1', shown(baseURL));
  if (typeof headers !== 'object' || headers === null) fail('headers', 'an object of header values', shown(headers));
  return { apiKey: apiKeys[0]!.key, apiKeys, baseURL: base, name, version, defaultMaxTokens, headers: { ...headers } };
}
