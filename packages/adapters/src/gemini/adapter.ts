/**
 * `gemini()`: an {@link Adapter} for the Gemini Developer API (`models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse`), taking and returning OpenAI-shaped requests, responses and chunks.
 * @module
 */
import { callCancellation, callSignal } from '../http/call-aborts.js';
import { randomUUID } from 'node:crypto';
import { ServerError, type AdapterCall, type ChatChunk, type ChatRequest, type ChatResponse, type EmbeddingRequest, type EmbeddingResponse } from '@lifeline/core';
import { guardBody } from '../anthropic/guard.js';
import { providerLabel } from '../http/label.js';
import { HttpPool } from '../http/pool.js';
import { headerValue, jsonBody, type SendResponse } from '../http/send.js';
import { exchange, readJson, type ExchangeInput } from '../http/exchange.js';
import { adapterKeys, settleChunks, type KeyedAdapter, type SettleUsage } from '../keys/index.js';
import { geminiVectors, planGeminiEmbed, reportedTokens, toEmbeddingResponse } from './embed.js';
import { geminiError } from './errors.js';
import { resolveGeminiOptions, type GeminiOptions } from './options.js';
import { readGeminiChunks } from './reader.js';
import { toGeminiRequest } from './request.js';
import { fromGeminiResponse, type GeminiResponseContext } from './response.js';
import { GeminiStreamTranslator } from './stream.js';
import type { GeminiResponse } from './types.js';

const RESERVED_HEADERS = new Set(['x-goog-api-key', 'content-type', 'accept', 'content-length']);

/** A tool-call id for a `functionCall` Gemini sent without one: unique, so a later failover to a vendor that requires unique ids still works. */
function newToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** `models/{model}`; a full resource name (`models/…`, `tunedModels/…`) is kept. */
function modelPath(model: string): string {
  const m = /^(models|tunedModels)\/(.+)$/.exec(model);
  return m ? `${m[1]}/${encodeURIComponent(m[2]!)}` : `models/${encodeURIComponent(model)}`;
}

/**
 * Creates an adapter for the Gemini Developer API.
 *
 * `assistant` turns become `model` turns, system messages `systemInstruction`, tools
 * `functionDeclarations`, and tool results `functionResponse` parts named after the call they
 * answer. Tool calls get generated ids when Gemini sends none. A blocked prompt or answer (HTTP
 * 200) throws `ContentFilterError`; a stream that ends without a `finishReason` throws
 * `StreamInterruptedError`. `embed` maps OpenAI-shaped embedding requests to `embedContent` (one
 * text) or `batchEmbedContents` (several, 100 per request), `dimensions` to `outputDimensionality`.
 *
 * @param options - API key, base URL, name, API version, pool settings
 * @returns the adapter; call `close()` to release its connections
 * @throws {@link ConfigurationError} naming the invalid option
 * @example
 * ```ts
 * import { createClient } from '@lifeline/core';
 * import { gemini } from '@lifeline/adapters';
 *
 * const google = gemini({ apiKey: process.env.GEMINI_API_KEY! });
 * const client = createClient({ adapter: google });
 * const { response } = await client.chat({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function gemini(options: GeminiOptions): KeyedAdapter {
  const o = resolveGeminiOptions(options);
  const name = o.name;
  const label = providerLabel('gemini', name);
  const pool = new HttpPool(options, name);
  const keys = adapterKeys({ vendor: 'gemini', name, label, keys: o.apiKeys, keyPool: options.keyPool });
  const secrets = keys.secrets;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(o.headers)) if (!RESERVED_HEADERS.has(key.toLowerCase())) headers[key] = value;
  // Headers per key and answer type, built once.
  const headersOf = new Map<string | undefined, { json: Record<string, string>; stream: Record<string, string> }>();
  const headersFor = (key: string | undefined, accept: 'application/json' | 'text/event-stream') => {
    let h = headersOf.get(key);
    if (!h) headersOf.set(key, (h = { json: { ...headers, 'x-goog-api-key': key!, accept: 'application/json' }, stream: { ...headers, 'x-goog-api-key': key!, accept: 'text/event-stream' } }));
    return accept === 'text/event-stream' ? h.stream : h.json;
  };
  const toError: ExchangeInput['toError'] = (r) => geminiError({ provider: name, label, secrets, ...r });
  const context = (request: ChatRequest): GeminiResponseContext => ({ provider: name, label, model: request.model, newId: newToolCallId });

  /**
   * POSTs `payload` to `models/{model}:{method}` with a key (of the pool, when there is one);
   * resolves with the unread 2xx response and how to report its usage.
   */
  function send(model: string, method: string, payload: unknown, call: AdapterCall, accept: 'application/json' | 'text/event-stream'): Promise<{ value: SendResponse; settle: SettleUsage }> {
    const url = `${o.baseURL}/${o.apiVersion}/${modelPath(model)}:${method}`;
    const body = jsonBody(payload);
    return keys.send(call, (key, keyCall) =>
      exchange(pool, {
        url,
        headers: headersFor(key, accept),
        body,
        call: keyCall,
        provider: name,
        label,
        secrets,
        toError,
      }),
    );
  }

  /** {@link send}, then the parsed JSON answer (an error envelope in a 200 throws). */
  async function post(model: string, method: string, payload: unknown, call: AdapterCall): Promise<{ res: SendResponse; body: unknown; settle: SettleUsage }> {
    const { value: res, settle } = await send(model, method, payload, call, 'application/json');
    const body = await readJson(res, { provider: name, label, signal: callSignal(call), cancellation: callCancellation(call), secrets });
    if (typeof body === 'object' && body !== null && 'error' in body) {
      throw geminiError({ provider: name, label, status: res.status, body, headers: res.headers, requestId: res.requestId, secrets, source: 'body' });
    }
    return { res, body, settle };
  }

  function events(request: ChatRequest, res: SendResponse, call: AdapterCall): AsyncIterableIterator<ChatChunk> {
    const translator = new GeminiStreamTranslator({ ...context(request), requestId: res.requestId, secrets, candidateCount: request.n ?? 1 });
    const options = { provider: name, label, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId, secrets, timeouts: pool.options };
    return readGeminiChunks(res.body, options, translator);
  }

  return {
    name,
    kind: 'gemini',
    baseURL: o.baseURL,
    capabilities: { prefill: false },
    keyPool: keys.pool,
    async chat(request, call): Promise<ChatResponse> {
      const { res, body, settle } = await post(request.model, 'generateContent', toGeminiRequest(request, name), call);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ServerError(`${label}: ${res.status} response is not a GenerateContentResponse`, { provider: name, status: res.status, requestId: res.requestId });
      }
      const response = fromGeminiResponse(body as GeminiResponse, context(request));
      settle(response.usage);
      return response;
    },
    async stream(request, call) {
      const { value: res, settle } = await send(request.model, 'streamGenerateContent?alt=sse', toGeminiRequest(request, name), call, 'text/event-stream');
      const type = headerValue(res.headers, 'content-type') ?? '';
      if (type.includes('json') && !type.includes('event-stream')) {
        // A gateway (or a missing alt=sse) answers with one JSON document: an array of responses, or an error.
        const body = await readJson(res, { provider: name, label, signal: callSignal(call), cancellation: callCancellation(call), secrets });
        const translator = new GeminiStreamTranslator({ ...context(request), requestId: res.requestId, secrets, candidateCount: request.n ?? 1 });
        const chunks = [...translator.push(JSON.stringify(body)), ...translator.end()];
        settle(chunks.findLast((c) => c.usage)?.usage);
        return (async function* replay() {
          yield* chunks;
        })();
      }
      const chunks = events(request, res, call);
      // The reader releases the body when returned before its first next(); settleChunks' generator would not pass that on.
      return keys.pool ? guardBody(settleChunks(chunks, settle), res.body, call.signal) : chunks;
    },
    async embed(request: EmbeddingRequest, call: AdapterCall): Promise<EmbeddingResponse> {
      const vectors: number[][] = [];
      let tokens: number | undefined = 0;
      for (const plan of planGeminiEmbed(request, name, label)) {
        const { res, body, settle } = await post(request.model, plan.method, plan.body, call);
        vectors.push(...geminiVectors(body, plan, { provider: name, label, status: res.status, requestId: res.requestId }));
        const reported = reportedTokens(body);
        settle(reported === undefined ? undefined : { prompt_tokens: reported });
        tokens = reported === undefined || tokens === undefined ? undefined : tokens + reported;
      }
      return toEmbeddingResponse(request, vectors, tokens);
    },
    close: () => pool.close(),
  };
}
