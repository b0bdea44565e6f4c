/**
 * `aiSdkAdapter(model)`: any AI SDK language model as a Lifeline adapter, so a failover route
 * can mix Lifeline's native adapters with the AI SDK's providers (Bedrock, Vertex, Azure,
 * Mistral, Groq, xAI, …).
 * @module
 */
import type { LanguageModelV4, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import type { Adapter, AdapterCall, ChatChunk, ChatRequest, ChatResponse } from '@lifeline/core';
import { throwIfAborted } from '@lifeline/core';
import { parseRateLimit, requestIdFrom } from '@lifeline/adapters';
import { toCallOptions } from './call-options.js';
import { toChunks } from './chunks.js';
import { fromAiSdkError } from './errors.js';
import { modelFor, resolveOptions, type AiSdkAdapterOptions, type AiSdkLanguageModel, type AiSdkModelSource } from './options.js';
import { toChatResponse } from './response.js';
import { callOptionsV4ToV3 } from './v3.js';

/** The adapter `aiSdkAdapter()` returns. */
export interface AiSdkAdapter extends Adapter {
  readonly kind: 'ai-sdk';
}

/** Runs `doGenerate`/`doStream` with options in the model's own specification version. */
function invoke<K extends 'doGenerate' | 'doStream'>(model: AiSdkLanguageModel, method: K, options: LanguageModelV4CallOptions, provider: string): ReturnType<LanguageModelV4[K]> {
  if (model.specificationVersion === 'v4') return model[method](options) as ReturnType<LanguageModelV4[K]>;
  return (model[method] as (o: unknown) => unknown)(callOptionsV4ToV3(options, provider)) as ReturnType<LanguageModelV4[K]>;
}

/**
 * Wraps an AI SDK language model (or a provider function) as a Lifeline adapter.
 *
 * - The AI SDK's errors map onto Lifeline's taxonomy from the `APICallError`'s status, headers
 *   and body: `RateLimitError` with `retryAfterMs`, `AuthenticationError`, `ContextLengthError`,
 *   `ContentFilterError`, `ServerError`, `ConnectionError`; a cut stream raises
 *   `StreamInterruptedError`.
 * - No retries on top of Lifeline's: the AI SDK retries inside `generateText`/`streamText`
 *   (`maxRetries`), which this adapter never calls; `doGenerate`/`doStream` send one request.
 *   A custom `fetch` you give the provider must not retry either.
 * - Usage and the answering model id are reported, so `meter()` prices the call.
 * - The attempt's signal is passed as `abortSignal`.
 *
 * @param model - a `LanguageModelV4` (`ai` 7 providers) or `LanguageModelV3` (`ai` 6), or a
 *   provider function `(modelId) => model`, which honours the request's `model` (failover model mapping)
 * @param options - name, prefill, headers, provider options
 * @returns the adapter
 * @throws {@link ConfigurationError} when the model or an option is invalid
 * @example
 * ```ts
 * import { createAnthropic } from '@ai-sdk/anthropic';
 * const claude = aiSdkAdapter(createAnthropic({ apiKey })('claude-sonnet-4-5'), { name: 'claude' });
 * const client = createClient({ use: [failover([openai({ baseURL, apiKey: relayKey }), claude])] });
 * ```
 */
export function aiSdkAdapter(model: AiSdkModelSource, options: AiSdkAdapterOptions = {}): AiSdkAdapter {
  const o = resolveOptions(model, options);
  const { name, clock } = o;
  const defaults = { headers: o.headers, providerOptions: o.providerOptions };
  const labelFor = (m: AiSdkLanguageModel) => `${name} (ai-sdk ${m.provider})`;

  /** Reports the response head the AI SDK kept: request id and the vendor's rate-limit headers. */
  function report(call: AdapterCall, headers: Record<string, string> | undefined): void {
    if (!call.onResponse) return;
    const h = headers ?? {};
    const rateLimit = parseRateLimit(h, clock.now());
    call.onResponse({ status: 200, requestId: requestIdFrom(h), ...(rateLimit ? { rateLimit } : {}) });
  }

  function prepare(request: ChatRequest, call: AdapterCall) {
    throwIfAborted(call.signal, name);
    const m = modelFor(model, request.model, name);
    return { m, label: labelFor(m), options: toCallOptions(name, request, call, defaults) };
  }

  return {
    name,
    kind: 'ai-sdk',
    capabilities: { prefill: o.prefill },

    async chat(request: ChatRequest, call: AdapterCall): Promise<ChatResponse> {
      const { m, label, options: callOptions } = prepare(request, call);
      let result;
      try {
        result = await invoke(m, 'doGenerate', callOptions, name);
      } catch (error) {
        throw fromAiSdkError(error, { provider: name, label, signal: call.signal });
      }
      report(call, result.response?.headers);
      return toChatResponse(result, m.modelId, clock.now());
    },

    async stream(request: ChatRequest, call: AdapterCall): Promise<AsyncIterable<ChatChunk>> {
      const { m, label, options: callOptions } = prepare(request, call);
      let result;
      try {
        result = await invoke(m, 'doStream', { ...callOptions, includeRawChunks: false }, name);
      } catch (error) {
        throw fromAiSdkError(error, { provider: name, label, signal: call.signal });
      }
      report(call, result.response?.headers);
      return toChunks(result.stream, { provider: name, label, signal: call.signal, modelId: m.modelId, now: clock.now() });
    },
  };
}
