/**
 * `anthropic()`: an {@link Adapter} for the Anthropic Messages API (`POST /v1/messages`), taking and
 * returning OpenAI-shaped requests, responses and chunks.
 * @module
 */
import { callCancellation, callSignal } from '../http/call-aborts.js';
import { ServerError, responseToChunks, type AdapterCall, type ChatChunk, type ChatRequest, type ChatResponse } from '@lifeline/core';
import { classifyError, httpError } from '../http/errors.js';
import { providerLabel } from '../http/label.js';
import { HttpPool } from '../http/pool.js';
import { extractProviderError } from '../http/provider-error.js';
import { headerValue, jsonBody, type SendResponse } from '../http/send.js';
import { exchange, readJson, type ExchangeInput } from '../http/exchange.js';
import { adapterKeys, settleChunks, type KeyedAdapter, type SettleUsage } from '../keys/index.js';
import { resolveAnthropicOptions, type AnthropicOptions } from './options.js';
import { toAnthropicRequest } from './request.js';
import { fromAnthropicMessage, isAnthropicMessage } from './response.js';
import { guardBody } from './guard.js';
import { AnthropicStreamTranslator, readAnthropicChunks } from './stream.js';

const RESERVED_HEADERS = new Set(['x-api-key', 'anthropic-version', 'content-type', 'accept', 'content-length']);

/**
 * Creates an adapter for the Anthropic Messages API.
 *
 * System and developer messages become the top-level `system`; tool calls and results become
 * `tool_use` / `tool_result` blocks; a final assistant message is a prefill. `max_tokens` is
 * required by Anthropic: the request's `max_completion_tokens ?? max_tokens`, else
 * `defaultMaxTokens`, else a `BadRequestError` before anything is sent. Anthropic has no embeddings
 * API, so the adapter has no `embed`: `client.embed()` on it fails with a `ConfigurationError`,
 * and `failover()` skips it for embedding calls.
 *
 * @param options - API key, base URL, name, API version, default max tokens, pool settings
 * @returns the adapter; call `close()` to release its connections
 * @throws {@link ConfigurationError} naming the invalid option
 * @example
 * ```ts
 * import { createClient } from '@lifeline/core';
 * import { anthropic } from '@lifeline/adapters';
 *
 * const claude = anthropic({ apiKey: process.env.ANTHROPIC_API_KEY!, defaultMaxTokens: 1024 });
 * const client = createClient({ adapter: claude });
 * const { response } = await client.chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function anthropic(options: AnthropicOptions): KeyedAdapter {
  const o = resolveAnthropicOptions(options);
  const name = o.name;
  const label = providerLabel('anthropic', name);
  const pool = new HttpPool(options, name);
  const url = `${o.baseURL}/v1/messages`;
  const keys = adapterKeys({ vendor: 'anthropic', name, label, keys: o.apiKeys, keyPool: options.keyPool });
  const secrets = keys.secrets;
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(o.headers)) if (!RESERVED_HEADERS.has(key.toLowerCase())) headers[key] = value;
  headers['anthropic-version'] = o.version;
  // Headers per key and answer type, built once.
  const headersOf = new Map<string | undefined, { json: Record<string, string>; stream: Record<string, string> }>();
  const headersFor = (key: string | undefined) => {
    let h = headersOf.get(key);
    if (!h) headersOf.set(key, (h = { json: { ...headers, 'x-api-key': key!, accept: 'application/json' }, stream: { ...headers, 'x-api-key': key!, accept: 'text/event-stream' } }));
    return h;
  };
  const toError: ExchangeInput['toError'] = (res) => httpError({ provider: name, label, secrets, ...res });

  async function open(request: ChatRequest, call: AdapterCall, stream: boolean): Promise<{ value: SendResponse; settle: SettleUsage }> {
    const body = jsonBody(toAnthropicRequest(request, { provider: name, defaultMaxTokens: o.defaultMaxTokens, stream }));
    return keys.send(call, (key, keyCall) =>
      exchange(pool, {
        url,
        headers: stream ? headersFor(key).stream : headersFor(key).json,
        body,
        call: keyCall,
        provider: name,
        label,
        secrets,
        toError,
      }),
    );
  }

  /** Reads a JSON body that should be a message; an error envelope (even with a 200) or garbage throws. */
  async function readMessage(res: SendResponse, call: AdapterCall): Promise<ChatResponse> {
    const parsed = await readJson(res, { provider: name, label, signal: callSignal(call), cancellation: callCancellation(call), secrets });
    if (isAnthropicMessage(parsed)) return fromAnthropicMessage(parsed);
    const info = extractProviderError(parsed);
    if (info) throw classifyError({ provider: name, label, status: res.status, info, headers: res.headers, requestId: res.requestId, secrets, source: 'body' });
    throw new ServerError(`${label}: ${res.status} response is not a Messages response (no content array)`, { provider: name, status: res.status, requestId: res.requestId });
  }

  function events(res: SendResponse, call: AdapterCall): AsyncIterableIterator<ChatChunk> {
    const translator = new AnthropicStreamTranslator({ provider: name, label, requestId: res.requestId, secrets });
    const options = { provider: name, label, signal: callSignal(call), cancellation: callCancellation(call), requestId: res.requestId, secrets, timeouts: pool.options };
    return readAnthropicChunks(res.body, options, translator);
  }

  return {
    name,
    kind: 'anthropic',
    baseURL: o.baseURL,
    capabilities: { prefill: true },
    keyPool: keys.pool,
    async chat(request, call) {
      const { value: res, settle } = await open(request, call, false);
      const response = await readMessage(res, call);
      settle(response.usage);
      return response;
    },
    async stream(request, call) {
      const { value: res, settle } = await open(request, call, true);
      const type = headerValue(res.headers, 'content-type') ?? '';
      if (type.includes('json') && !type.includes('event-stream')) {
        // A gateway may answer a stream request with plain JSON: a whole message, or an error with status 200.
        const response = await readMessage(res, call);
        settle(response.usage);
        const chunks = responseToChunks(response);
        return (async function* replay() {
          yield* chunks;
        })();
      }
      const chunks = events(res, call);
      // The reader releases the body when returned before its first next(); settleChunks' generator would not pass that on.
      return keys.pool ? guardBody(settleChunks(chunks, settle), res.body, call.signal) : chunks;
    },
    close: () => pool.close(),
  };
}
