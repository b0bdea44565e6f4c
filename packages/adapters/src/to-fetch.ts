/**
 * `toFetch(client)`: a `fetch` that serves `POST …/chat/completions` (and `…/embeddings`) from a Lifeline client, so an
 * app keeps its official-SDK calls and gets Lifeline's pipeline underneath.
 * @module
 */
import type { CallOptions, ChatChunk, ChatRequest, EmbeddingRequest, LifelineClient, Meta } from '@lifeline/core';
import { toOpenAIError } from './openai/error-json.js';

/** The `fetch` signature the official SDKs accept. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link toFetch}. */
export interface ToFetchOptions {
  /**
   * Let the SDK retry the errors Lifeline calls retryable. By default every error response says
   * `x-should-retry: false`: Lifeline's own `retry()` is the retry layer, and the SDK's retries
   * on top would multiply attempts.
   * @defaultValue false
   */
  sdkRetries?: boolean;
  /**
   * Per-call options built from the SDK's request (e.g. `metadata: { tenant }` from a header).
   * `signal` is always the SDK's own.
   * @defaultValue undefined
   */
  callOptions?: (request: { url: URL; headers: Headers; body: ChatRequest }) => Omit<CallOptions, 'signal'>;
}

const encoder = new TextEncoder();
const sse = (value: unknown) => encoder.encode(`data: ${JSON.stringify(value)}\n\n`);

function metaHeaders(meta: Meta): Record<string, string> {
  const h: Record<string, string> = {};
  if (meta.requestId) h['x-request-id'] = meta.requestId;
  if (meta.provider) h['x-lifeline-provider'] = meta.provider;
  if (meta.model) h['x-lifeline-model'] = meta.model;
  h['x-lifeline-attempts'] = String(meta.attempts);
  if (meta.cache) h['x-lifeline-cache'] = meta.cache;
  if (meta.costUsd !== undefined) h['x-lifeline-cost-usd'] = String(meta.costUsd);
  if (meta.degraded) h['x-lifeline-degraded'] = 'true';
  return h;
}

/** Drops what a real endpoint sends only with `include_usage` (usage-only chunks, `usage` fields). */
function withoutUsage(chunk: ChatChunk): ChatChunk | undefined {
  if (chunk.choices.length === 0) return undefined;
  if (chunk.usage === undefined) return chunk;
  const { usage: _usage, ...rest } = chunk;
  return rest as ChatChunk;
}

/**
 * A `fetch` for the official `openai` SDK (or anything that speaks Chat Completions over fetch)
 * that runs every `POST …/chat/completions` through `client`: JSON and SSE streams
 * (re-encoded from chunks, ending with `data: [DONE]`), and every `POST …/embeddings` through
 * `client.embed()` (the SDK's `embeddings.create`, float and base64). Errors become OpenAI-shaped error responses
 * with the right status and `retry-after`, so the SDK raises the matching `APIError` subclass
 * (`RateLimitError`, `AuthenticationError`, …); an error after the stream started arrives as an
 * in-band `data: {"error":…}` event, which the SDK raises too. The SDK's `AbortSignal` aborts the call.
 *
 * Meta travels in response headers: `x-request-id`, `x-lifeline-provider`, `x-lifeline-model`,
 * `x-lifeline-attempts`, `x-lifeline-cache`, `x-lifeline-cost-usd`, `x-lifeline-degraded`
 * (read them with the SDK's `.withResponse()`).
 *
 * @param client - a client from `createClient`
 * @param options - SDK retries, per-call options
 * @returns the `fetch` to pass as the SDK's `fetch` option
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * const sdk = new OpenAI({ apiKey: 'unused', baseURL: 'http://lifeline.local/v1', fetch: toFetch(client), maxRetries: 0 });
 * const completion = await sdk.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function toFetch(client: LifelineClient, options: ToFetchOptions = {}): FetchFunction {
  const errorOptions = { shouldRetry: options.sdkRetries ? ('retryable' as const) : false as const };
  const fail = (err: unknown) => {
    const { status, headers, body } = toOpenAIError(err, errorOptions);
    return new Response(JSON.stringify(body), { status, headers });
  };
  const refuse = (status: number, message: string) =>
    new Response(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }), {
      status,
      headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
    });

  return async function lifelineFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const req = input instanceof Request ? input : undefined;
    const url = new URL(req ? req.url : String(input));
    const method = (init?.method ?? req?.method ?? 'GET').toUpperCase();
    const signal = init?.signal ?? req?.signal ?? undefined;
    signal?.throwIfAborted();
    const embeddings = /\/embeddings\/?$/.test(url.pathname);
    if (!embeddings && !/\/chat\/completions\/?$/.test(url.pathname)) return refuse(404, `Lifeline toFetch serves POST /chat/completions and POST /embeddings only, not ${url.pathname}`);
    if (method !== 'POST') return refuse(405, `Lifeline toFetch: ${method} is not allowed on ${url.pathname}; use POST`);
    const raw = init?.body;
    const text = typeof raw === 'string' ? raw : raw != null ? await new Response(raw).text() : req ? await req.text() : '';
    let body: ChatRequest;
    try {
      body = JSON.parse(text) as ChatRequest;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError('not an object');
    } catch {
      return refuse(400, 'Lifeline toFetch: the request body is not a JSON object');
    }
    const headers = new Headers(init?.headers ?? req?.headers);
    const call: CallOptions = { ...options.callOptions?.({ url, headers, body }) };
    if (signal) call.signal = signal;

    try {
      if (embeddings) {
        const { response, meta } = await client.embed(body as unknown as EmbeddingRequest, call);
        return new Response(JSON.stringify(response), { status: 200, headers: { 'content-type': 'application/json', ...metaHeaders(meta) } });
      }
      if (body.stream !== true) {
        const { response, meta } = await client.chat(body, call);
        return new Response(JSON.stringify(response), { status: 200, headers: { 'content-type': 'application/json', ...metaHeaders(meta) } });
      }
      const wantsUsage = body.stream_options?.include_usage === true;
      const stream = client.stream(body, call);
      const it = stream[Symbol.asyncIterator]();
      // Wait for the first chunk: an error before it becomes a proper HTTP error response.
      const first = await it.next();
      const filter = (chunk: ChatChunk) => (wantsUsage ? chunk : withoutUsage(chunk));
      let pendingFirst: IteratorResult<ChatChunk> | undefined = first;
      const out = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            for (;;) {
              const step = pendingFirst ?? (await it.next());
              pendingFirst = undefined;
              if (step.done) {
                controller.enqueue(encoder.encode('data: [DONE]\n\n'));
                controller.close();
                return;
              }
              const chunk = filter(step.value);
              if (chunk) {
                controller.enqueue(sse(chunk));
                return;
              }
            }
          } catch (err) {
            if (signal?.aborted) {
              controller.error(signal.reason);
              return;
            }
            controller.enqueue(sse(toOpenAIError(err, errorOptions).body));
            controller.close();
          }
        },
        async cancel() {
          await it.return?.();
        },
      });
      return new Response(out, {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...metaHeaders(stream.meta) },
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      return fail(err);
    }
  };
}
