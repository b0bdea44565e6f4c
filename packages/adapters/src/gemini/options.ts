/**
 * Options of {@link gemini}, their defaults and their validation.
 * @module
 */
import { bareBaseURL, describeValue, optionFail, readKeysAndName } from '../http/options.js';
import type { ApiKeyInput, ApiKeySpec, KeyPoolOptions } from '../keys/options.js';
import type { ConfigurationError } from '@lifeline/core';
import type { HttpPoolOptions } from '../http/pool.js';

/** Options of `gemini()`. Pool and timeout settings ({@link HttpPoolOptions}) apply too. */
export interface GeminiOptions extends HttpPoolOptions {
  /**
   * The API key, sent as `x-goog-api-key` (never as `?key=`, so it cannot reach a URL log).
   * Never appears in an error.
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
   * The bare origin, as in the official SDK: the adapter appends
   * `/{apiVersion}/models/{model}:generateContent`. A path prefix (a gateway) is kept.
   * @defaultValue 'https://generativelanguage.googleapis.com'
   */
  baseURL?: string;
  /**
   * Target name: `meta.provider`, the errors' `provider`, the breaker key.
   * @defaultValue 'gemini'
   */
  name?: string;
  /**
   * API version segment of the URL (js-genai's default).
   * @defaultValue 'v1beta'
   */
  apiVersion?: string;
  /**
   * Extra request headers. They cannot replace `x-goog-api-key`.
   * @defaultValue {}
   */
  headers?: Record<string, string>;
}

/** The options once defaults are applied. */
export interface ResolvedGeminiOptions {
  /** The first (or only) key. */
  apiKey: string;
  /** Every key, in order. */
  apiKeys: ApiKeySpec[];
  baseURL: string;
  name: string;
  apiVersion: string;
  headers: Record<string, string>;
}

/** Defaults of {@link GeminiOptions}. */
export const GEMINI_DEFAULTS: Readonly<Omit<ResolvedGeminiOptions, 'apiKey' | 'apiKeys'>> = {
  baseURL: 'https://generativelanguage.googleapis.com',
  name: 'gemini',
  apiVersion: 'v1beta',
  headers: {},
};

const fail = optionFail('gemini');
const shown = describeValue;

/**
 * Checks options and fills in defaults. A trailing `/` of `baseURL` is dropped.
 * @throws {@link ConfigurationError} naming the field and the value (never the API key's value)
 */
export function resolveGeminiOptions(options: GeminiOptions): ResolvedGeminiOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', String(options));
  const { apiKey, baseURL = GEMINI_DEFAULTS.baseURL, name = GEMINI_DEFAULTS.name, apiVersion = GEMINI_DEFAULTS.apiVersion, headers = {} } = options;
  const apiKeys = readKeysAndName('gemini', apiKey, name, fail);
  if (typeof apiVersion !== 'string' || !/^v\d+[a-z0-9]*$/.test(apiVersion)) fail('apiVersion', 'a version segment such as "v1beta" or "v1"', shown(apiVersion));
  const base = bareBaseURL(baseURL, fail, 'a URL without query or fragment (the API key goes in a header)');
  if (/\/v\d+[a-z0-9]*$/.test(base)) fail('baseURL', `the bare origin as in the official SDK (the adapter appends /${apiVersion}/models/…); drop the trailing version`, shown(baseURL));
  if (typeof headers !== 'object' || headers === null) fail('headers', 'an object of header values', shown(headers));
  return { apiKey: apiKeys[0]!.key, apiKeys, baseURL: base, name, apiVersion, headers: { ...headers } };
}
