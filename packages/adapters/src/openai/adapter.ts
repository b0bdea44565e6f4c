/**
 * `openai()`: the adapter for every OpenAI-compatible Chat Completions endpoint (OpenAI, Azure
 * v1, DeepSeek, OpenRouter, Groq, Together, Fireworks, vLLM, Ollama, LiteLLM and other relays).
 * @module
 */
import { callCancellation, callSignal } from '../http/call-aborts.js';
import {
  ResponseAssembler,
  responseToChunks,
  wantsChunkJson,
  wantsResponseJson,
  type AdapterCall,
  type AdapterCapabilities,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
} from '@lifeline/core';
import {
  HttpPool,
  headerValue,
  httpError,
  providerLabel,
  readText,
  exchange,
  type ExchangeInput,
  jsonBody,
  type OriginStats,
  type SendResponse,
} from '../http/index.js';
import { adapterKeys, settleChunks, type KeyedAdapter, type SettleUsage } from '../keys/index.js';
import { resolveOpenAIOptions, type OpenAIOptions } from './options.js';
import { buildBody } from './request.js';
import { parseCompletion, readCompletion } from './response.js';
import { guardBody } from '../anthropic/guard.js';
import { readChunks } from './stream.js';
import { readEmbeddings } from './embeddings.js';

/** The adapter {@link openai} returns. */
export interface OpenAIAdapter extends KeyedAdapter {
  readonly kind: 'openai';
  readonly capabilities: AdapterCapabilities;
  /** The base URL (without a trailing slash). */
  readonly baseURL: string;
  /** Socket counts of the endpoint's pool (`undefined` before the first request). */
  stats(): OriginStats | undefined;
  /** Embeds `request.input` at `baseURL` + `embeddingsPath` (`/embeddings`). */
  embed(request: EmbeddingRequest, call: AdapterCall): Promise<EmbeddingResponse>;
  /** Closes the pooled connections; idle sockets at once, in-flight ones after `closeTimeoutMs`. */
  close(): Promise<void>;
}

/**
 * Creates an adapter for an OpenAI-compatible endpoint.
 *
 * `chat` resolves with the completion. `stream` resolves once the response head arrived with a
 * 2xx status (so HTTP errors reject it) and yields the chunks; `stream_options.include_usage` is
 * added so the last chunk carries usage. `embed` posts the request as is to `/embeddings` (any
 * OpenAI-compatible embeddings endpoint) and returns the vectors in input order. Errors are core's classes with `provider` set to `name`,
 * `retryable`, `retryAfterMs`, `requestId` and `providerCode`; the API key never appears in them.
 *
 * @param options - base URL, key, name, headers, connection settings
 * @returns the adapter; call `close()` when done with it
 * @throws {@link ConfigurationError} when an option is invalid
 * @example
 * ```ts
 * import { createClient } from '@lifeline/core';
 * import { openai } from '@lifeline/adapters';
 *
 * const deepseek = openai({ name: 'deepseek', baseURL: 'https://api.deepseek.com/v1', apiKey: process.env.DEEPSEEK_API_KEY });
 * const client = createClient({ adapter: deepseek });
 * const { response } = await client.chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function openai(options: OpenAIOptions): OpenAIAdapter {
  const o = resolveOpenAIOptions(options);
  const pool = new HttpPool(options, 'openai');
  const label = providerLabel('openai', o.name);
  const keys = adapterKeys({ vendor: 'openai', name: o.name, label, keys: o.apiKeys, keyPool: options.keyPool });
  // Headers per key (built once): `headers` given by the caller win, as with a single key.
  const headersOf = new Map<string | undefined, { json: Record<string, string>; stream: Record<string, string> }>();
  for (const key of o.apiKeys.length > 0 ? o.apiKeys.map((k) => k.key) : [undefined]) {
    const json: Record<string, string> = { accept: 'application/json', 'user-agent': '@lifeline/adapters' };
    if (key) json.authorization = `Bearer ${key}`;
    Object.assign(json, o.headers);
    // Sent with every request: set once here rather than added by send() per request.
    if (!Object.keys(json).some((name) => name.toLowerCase() === 'content-type')) json['content-type'] = 'application/json';
    headersOf.set(key, { json, stream: { ...json, accept: 'text/event-stream' } });
  }
  const base = { provider: o.name, label, secrets: o.secrets, timeouts: pool.options };
  const toError: ExchangeInput['toError'] = (res) => httpError({ ...base, ...res });

  function request(req: ChatRequest, call: AdapterCall, streaming: boolean): Promise<{ value: SendResponse; settle: SettleUsage }> {
    const body = buildBody(req, streaming, o.includeUsage);
    return keys.send(call, (key, keyCall) => {
      const h = headersOf.get(key)!;
      return exchange(pool, { ...base, url: o.url, headers: streaming ? h.stream : h.json, body, call: keyCall, toError });
    });
  }

  return {
    name: o.name,
    kind: 'openai',
    capabilities: o.capabilities,
    baseURL: o.baseURL,
    keyPool: keys.pool,

    async chat(req: ChatRequest, call: AdapterCall): Promise<ChatResponse> {
      const { value: res, settle } = await request(req, call, false);
      let response: ChatResponse;
      if ((headerValue(res.headers, 'content-type') ?? '').includes('text/event-stream')) {
        // A relay that streams whatever it is asked: assemble the stream into the completion.
        const asm = new ResponseAssembler();
        for await (const chunk of readChunks(res.body, { ...base, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId })) asm.push(chunk);
        response = asm.finish();
      } else {
        response = await readCompletion(res.body, { ...base, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId, status: res.status, maxBytes: o.maxResponseBytes, responseJson: wantsResponseJson(call.metadata) });
      }
      settle(response.usage);
      return response;
    },

    async stream(req: ChatRequest, call: AdapterCall): Promise<AsyncIterable<ChatChunk>> {
      const { value: res, settle } = await request(req, call, true);
      const ctx = { ...base, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId, chunkJson: wantsChunkJson(call.metadata) };
      const type = headerValue(res.headers, 'content-type') ?? '';
      if (type.includes('application/json')) {
        // A server that answered a stream request with JSON: an error in a 200, or a whole completion.
        const text = await readText(res.body, { ...ctx, maxBytes: o.maxResponseBytes });
        const response = parseCompletion(text, { ...ctx, status: res.status });
        settle(response.usage);
        return replay(responseToChunks(response));
      }
      const chunks = readChunks(res.body, ctx);
      // The reader releases the body when returned before its first next(); settleChunks' generator would not pass that on.
      return keys.pool ? guardBody(settleChunks(chunks, settle), res.body, call.signal) : chunks;
    },

    async embed(req: EmbeddingRequest, call: AdapterCall): Promise<EmbeddingResponse> {
      const body = jsonBody(req);
      const { value: res, settle } = await keys.send(call, (key, keyCall) =>
        exchange(pool, { ...base, url: o.embeddingsUrl, headers: headersOf.get(key)!.json, body, call: keyCall, toError }),
      );
      const response = await readEmbeddings(res.body, req, { ...base, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId, status: res.status, maxBytes: o.maxResponseBytes });
      settle(response.usage);
      return response;
    },

    stats: () => pool.stats(o.url.origin),
    close: () => pool.close(),
  };
}

async function* replay(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
  yield* chunks;
}
