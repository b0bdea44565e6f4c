/**
 * Options of the OpenAI-compatible adapter, their defaults and their validation.
 * @module
 */
import { describeValue, optionFail } from '../http/options.js';
import type { AdapterCapabilities, ConfigurationError } from '@lifeline/core';
import type { HttpPoolOptions } from '../http/index.js';
import { readApiKeys, type ApiKeyInput, type ApiKeySpec, type KeyPoolOptions } from '../keys/index.js';

/** Options of {@link openai}. Connection and timeout settings come from {@link HttpPoolOptions}. */
export interface OpenAIOptions extends HttpPoolOptions {
  /**
   * Base URL including the version segment, as the official SDK takes it:
   * `https://api.openai.com/v1`, `https://api.deepseek.com/v1`, `https://openrouter.ai/api/v1`,
   * `https://api.groq.com/openai/v1`, `http://localhost:11434/v1` (Ollama). The adapter appends
   * `path`. A query string (Azure's `?api-version=`) is kept.
   */
  baseURL: string;
  /**
   * API key, sent as `Authorization: Bearer <key>`. Leave it out for servers without auth (Ollama,
   * a local vLLM) or when `headers` carries the credential. Never appears in an error or a log.
   * Several keys (`[k1, k2, k3]`, or `{ key, rpm, tpm }` objects) make a key pool: each attempt
   * goes out with one of them, see `keyPool`.
   * @defaultValue undefined
   */
  apiKey?: ApiKeyInput | undefined;
  /**
   * How a pool of keys (`apiKey` listing two or more) picks a key, cools down a rate-limited one
   * and quarantines a refused one; where that state is kept.
   * @defaultValue round-robin, in this process's memory
   */
  keyPool?: KeyPoolOptions | undefined;
  /**
   * Target name: `meta.provider`, every error's `provider`, the circuit breaker's key.
   * @defaultValue 'openai'
   */
  name?: string;
  /**
   * Extra headers sent with every request (`OpenAI-Organization`, `HTTP-Referer` for OpenRouter,
   * Azure's `api-key`). Values of `authorization`, `api-key` and `x-api-key` are redacted from errors too.
   * @defaultValue {}
   */
  headers?: Record<string, string>;
  /**
   * Add `stream_options: { include_usage: true }` to streamed requests, so that the last chunk
   * reports usage and streams can be metered. Turn it off for a gateway that rejects
   * `stream_options`. Never sent on non-streamed requests (OpenAI rejects it there with a 400).
   * @defaultValue true
   */
  includeUsage?: boolean;
  /**
   * What the endpoint supports beyond the basics.
   * @defaultValue `{ prefill: false }`
   */
  capabilities?: AdapterCapabilities;
  /**
   * Path appended to `baseURL`.
   * @defaultValue '/chat/completions'
   */
  path?: string;
  /**
   * Path of the embeddings endpoint, appended to `baseURL` (`embed()` calls).
   * @defaultValue '/embeddings'
   */
  embeddingsPath?: string;
  /**
   * Largest non-streamed response body read, in bytes; a larger one fails with a `ServerError`.
   * @defaultValue 33_554_432 (32 MiB)
   */
  maxResponseBytes?: number;
}

/** {@link OpenAIOptions} after validation, defaults filled in. */
export interface ResolvedOpenAIOptions {
  url: URL;
  /** The embeddings endpoint. */
  embeddingsUrl: URL;
  baseURL: string;
  /** The first (or only) key. */
  apiKey: string | undefined;
  /** Every key, in order. */
  apiKeys: ApiKeySpec[];
  name: string;
  headers: Record<string, string>;
  includeUsage: boolean;
  capabilities: AdapterCapabilities;
  maxResponseBytes: number;
  /** Credential values to redact from every message. */
  secrets: string[];
}

/**
 * Defaults of {@link OpenAIOptions}.
 * @example
 * ```ts
 * OPENAI_DEFAULTS.path // '/chat/completions'
 * ```
 */
export const OPENAI_DEFAULTS = {
  name: 'openai',
  headers: {},
  includeUsage: true,
  capabilities: { prefill: false },
  path: '/chat/completions',
  embeddingsPath: '/embeddings',
  maxResponseBytes: 32 * 1024 * 1024,
} as const satisfies Required<Omit<OpenAIOptions, 'baseURL' | 'apiKey' | 'keyPool' | keyof HttpPoolOptions>>;

const AUTH_HEADERS = new Set(['authorization', 'api-key', 'x-api-key']);

const failWith = optionFail('openai');
const fail = (field: string, expected: string, got: unknown): never => failWith(field, expected, describeValue(got));

/**
 * Validates `options` and fills in defaults.
 * @throws {@link ConfigurationError} naming the field and the value received
 */
export function resolveOpenAIOptions(options: OpenAIOptions): ResolvedOpenAIOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object with baseURL', options);
  const { baseURL, apiKey, name = OPENAI_DEFAULTS.name, headers = {}, includeUsage = true } = options;
  const path = options.path ?? OPENAI_DEFAULTS.path;
  let url: URL | undefined;
  try {
    url = typeof baseURL === 'string' ? new URL(baseURL) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail('baseURL', 'an http(s) URL such as https://api.openai.com/v1', baseURL);
  // Never echoes a key, even a malformed one.
  const apiKeys = readApiKeys('openai', apiKey, false);
  if (typeof name !== 'string' || name.trim() === '') fail('name', 'a non-empty string', name);
  if (typeof headers !== 'object' || headers === null) fail('headers', 'an object of strings', headers);
  for (const [k, v] of Object.entries(headers)) if (typeof v !== 'string') fail(`headers[${JSON.stringify(k)}]`, 'a string', v);
  if (typeof includeUsage !== 'boolean') fail('includeUsage', 'a boolean', includeUsage);
  if (typeof path !== 'string' || !path.startsWith('/')) fail('path', 'a path starting with "/"', path);
  const embeddingsPath = options.embeddingsPath ?? OPENAI_DEFAULTS.embeddingsPath;
  if (typeof embeddingsPath !== 'string' || !embeddingsPath.startsWith('/')) fail('embeddingsPath', 'a path starting with "/"', embeddingsPath);
  const maxResponseBytes = options.maxResponseBytes ?? OPENAI_DEFAULTS.maxResponseBytes;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) fail('maxResponseBytes', 'a positive integer', maxResponseBytes);

  const endpoint = new URL(url!.href);
  endpoint.pathname = endpoint.pathname.replace(/\/+$/, '') + path;
  const embeddingsUrl = new URL(url!.href);
  embeddingsUrl.pathname = embeddingsUrl.pathname.replace(/\/+$/, '') + embeddingsPath;
  const secrets = apiKeys.map((k) => k.key);
  for (const [k, v] of Object.entries(headers)) {
    if (!AUTH_HEADERS.has(k.toLowerCase())) continue;
    secrets.push(v);
    const bearer = /^Bearer\s+(.+)$/i.exec(v);
    if (bearer) secrets.push(bearer[1]!);
  }
  return {
    url: endpoint,
    embeddingsUrl,
    baseURL: url!.href.replace(/\/+$/, ''),
    apiKey: apiKeys[0]?.key,
    apiKeys,
    name,
    headers: { ...headers },
    includeUsage,
    capabilities: { ...OPENAI_DEFAULTS.capabilities, ...options.capabilities },
    maxResponseBytes,
    secrets,
  };
}
