/**
 * From Lifeline's request, response, usage and errors to span and metric attributes.
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import { BudgetExceededError, LifelineError, type Usage } from '@lifeline/core';
import { GEN_AI, LIFELINE } from './names.js';

/** `chat`, or `embeddings` for `client.embed()` calls. */
export type Operation = 'chat' | 'embeddings';

/** What a call's answer said about itself (from a response, or gathered from a stream's chunks). */
export interface AnswerSummary {
  id?: string | undefined;
  model?: string | undefined;
  finishReasons?: string[] | undefined;
  usage?: Usage | null | undefined;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The request attributes of a call span (known when it starts, so samplers see them). */
export function requestAttributes(request: Readonly<Record<string, unknown>>, operation: Operation, model: string, streaming: boolean): Attributes {
  const a: Attributes = { [GEN_AI.OPERATION_NAME]: operation, [GEN_AI.REQUEST_MODEL]: model };
  if (operation === 'embeddings') {
    if (typeof request.encoding_format === 'string') a[GEN_AI.REQUEST_ENCODING_FORMATS] = [request.encoding_format];
    if (num(request.dimensions)) a[GEN_AI.EMBEDDINGS_DIMENSION_COUNT] = request.dimensions;
    return a;
  }
  const maxTokens = num(request.max_completion_tokens) ? request.max_completion_tokens : request.max_tokens;
  if (num(maxTokens)) a[GEN_AI.REQUEST_MAX_TOKENS] = maxTokens;
  if (num(request.temperature)) a[GEN_AI.REQUEST_TEMPERATURE] = request.temperature;
  if (num(request.top_p)) a[GEN_AI.REQUEST_TOP_P] = request.top_p;
  if (num(request.frequency_penalty)) a[GEN_AI.REQUEST_FREQUENCY_PENALTY] = request.frequency_penalty;
  if (num(request.presence_penalty)) a[GEN_AI.REQUEST_PRESENCE_PENALTY] = request.presence_penalty;
  if (num(request.seed)) a[GEN_AI.REQUEST_SEED] = request.seed;
  if (num(request.n) && request.n !== 1) a[GEN_AI.REQUEST_CHOICE_COUNT] = request.n;
  const stop = request.stop;
  if (typeof stop === 'string') a[GEN_AI.REQUEST_STOP_SEQUENCES] = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) a[GEN_AI.REQUEST_STOP_SEQUENCES] = stop as string[];
  if (streaming) a[GEN_AI.REQUEST_STREAM] = true;
  return a;
}

/** Writes the answer's id, model, finish reasons and token usage onto `a`. */
export function answerAttributes(a: Attributes, answer: AnswerSummary): void {
  if (answer.id) a[GEN_AI.RESPONSE_ID] = answer.id;
  if (answer.model) a[GEN_AI.RESPONSE_MODEL] = answer.model;
  if (answer.finishReasons && answer.finishReasons.length > 0) a[GEN_AI.RESPONSE_FINISH_REASONS] = answer.finishReasons;
  const usage = answer.usage;
  if (!usage) return;
  if (num(usage.prompt_tokens)) a[GEN_AI.USAGE_INPUT_TOKENS] = usage.prompt_tokens;
  if (num(usage.completion_tokens)) a[GEN_AI.USAGE_OUTPUT_TOKENS] = usage.completion_tokens;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (num(cached) && cached > 0) a[GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS] = cached;
  const written = usage.prompt_tokens_details?.cache_write_tokens;
  if (num(written) && written > 0) a[GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS] = written;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (num(reasoning) && reasoning > 0) a[GEN_AI.USAGE_REASONING_OUTPUT_TOKENS] = reasoning;
}

/** The answer summary of a complete response (chat or embeddings). */
export function summarize(response: unknown): AnswerSummary {
  if (typeof response !== 'object' || response === null) return {};
  const r = response as { id?: unknown; model?: unknown; choices?: unknown; usage?: Usage | null };
  const finishReasons = Array.isArray(r.choices)
    ? (r.choices as Array<{ finish_reason?: unknown }>).map((c) => c?.finish_reason).filter((f): f is string => typeof f === 'string')
    : undefined;
  return { id: typeof r.id === 'string' ? r.id : undefined, model: typeof r.model === 'string' ? r.model : undefined, finishReasons, usage: r.usage };
}

/**
 * `error.type`: the error's class name (`RateLimitError`, `TimeoutError`, `CircuitOpenError`,
 * `FailoverError`, `BudgetExceededError`, …), low-cardinality as the conventions ask; `_OTHER`
 * for a thrown non-error.
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
  return '_OTHER';
}

/** `error.type`, Lifeline's error code and, for a budget refusal, its scope and what was left. */
export function errorAttributes(a: Attributes, error: unknown): void {
  a[GEN_AI.ERROR_TYPE] = errorType(error);
  if (error instanceof LifelineError) a[LIFELINE.ERROR_CODE] = error.code;
  if (error instanceof BudgetExceededError) {
    if (error.scope !== undefined) a[LIFELINE.BUDGET_SCOPE] = error.scope;
    if (num(error.remainingUsd)) a[LIFELINE.BUDGET_REMAINING_USD] = error.remainingUsd;
  }
}

/** Host and port of an endpoint (never its credentials, path or query). */
export interface ServerAddress {
  address: string;
  port: number;
}

const servers = new Map<string, ServerAddress | null>();
const MAX_SERVERS = 256;

/** `server.address` / `server.port` of a base URL, parsed once per URL; `undefined` when it does not parse. */
export function serverOf(baseURL: unknown): ServerAddress | undefined {
  if (typeof baseURL !== 'string') return undefined;
  let server = servers.get(baseURL);
  if (server === undefined) {
    try {
      const url = new URL(baseURL);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : NaN;
      server = url.hostname && Number.isInteger(port) ? { address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port } : null;
    } catch {
      server = null;
    }
    if (servers.size >= MAX_SERVERS) servers.clear();
    servers.set(baseURL, server);
  }
  return server ?? undefined;
}
