/**
 * Options of {@link gemini}, their defaults and their validation.
 * @module
 */
import { bareBaseURL, checkKeyAndName, describeValue, optionFail } from '../http/options.js';
import type { ConfigurationError } from '@lifeline/core';
import type { HttpPoolOptions } from '../http/pool.js';

/** Options of `gemini()`. Pool and timeout settings ({@link HttpPoolOptions}) apply too. */
export interface GeminiOptions extends HttpPoolOptions {
  /** The API key, sent as `x-goog-api-key` (never as `?key=`, so it cannot reach a URL log). Never appears in an error. */
  apiKey: string;
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
  apiKey: string;
  baseURL: string;
  name: string;
  apiVersion: string;
  headers: Record<string, string>;
}

/** Defaults of {@link GeminiOptions}. */
export const GEMINI_DEFAULTS: Readonly<Omit<ResolvedGeminiOptions, 'apiKey'>> = {
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
  checkKeyAndName(apiKey, name, fail);
  if (typeof apiVersion !== 'string' || !/^v\d+[a-z0-9]*$/.test(apiVersion)) fail('apiVersion', 'a version segment such as "v1beta" or "v1"', shown(apiVersion));
  const base = bareBaseURL(baseURL, fail, 'a URL without query or fragment (the API key goes in a header)');
  if (/\/v\d+[a-z0-9]*$/.test(base)) fail('baseURL', `the bare origin as in the official SDK (the adapter appends /${apiVersion}/models/…); drop the trailing version`, shown(baseURL));
  if (typeof headers !== 'object' || headers === null) fail('headers', 'an object of header values', shown(headers));
  return { apiKey, baseURL: base, name, apiVersion, headers: { ...headers } };
}
