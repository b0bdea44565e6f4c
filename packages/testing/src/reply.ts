/**
 * Turns a step's `ReplySpec` into a resolved reply (text pieces, tool calls with ids and
 * JSON, finish reason, token counts) that every flavour renders in its own wire format.
 *
 * @module
 */
import { continueAfter } from './prefill.js';
import { countWords, splitText } from './tokens.js';
import type { ReplySpec } from './types.js';

/** A tool call with its arguments in both forms. */
export interface ResolvedToolCall {
  /** Call id (generated unless the step gave one). */
  id: string;
  /** Whether the id came from the step (Gemini only sends ids it was given). */
  explicitId: boolean;
  /** Function name. */
  name: string;
  /** Arguments as an object. */
  args: Record<string, unknown>;
  /** Arguments as a JSON string. */
  argsJson: string;
}

/** Normalised token counts. */
export interface ResolvedUsage {
  /** All input tokens (cached and cache-write included). */
  prompt: number;
  /** All output tokens (reasoning included). */
  completion: number;
  /** Cache-read input tokens. */
  cached: number;
  /** Cache-write input tokens. */
  cacheWrite: number;
  /** Reasoning tokens. */
  reasoning: number;
}

/** A reply ready to be rendered. */
export interface ResolvedReply {
  /** The reply text, or `undefined` when the reply has no text part. */
  text: string | undefined;
  /** Text split into stream pieces. */
  pieces: string[];
  /** Tool calls. */
  toolCalls: ResolvedToolCall[];
  /** Finish reason in normalised form (or a vendor string given verbatim). */
  finish: string;
  /** Model to report. */
  model: string;
  /** Token counts. */
  usage: ResolvedUsage;
  /** Gemini blocked-prompt reason. */
  blockReason: string | undefined;
}

/** What `resolveReply` needs besides the spec. */
export interface ReplyContext {
  /** Server default text. */
  defaultText: string;
  /** Requested model. */
  model: string;
  /** Estimated prompt tokens of the request. */
  promptTokens: number;
  /** A per-server sequence number for ids. */
  seq: number;
  /** Tool-call id prefix (`call_`, `toolu_`). */
  idPrefix: string;
  /** Words per stream piece. */
  chunkSize: number | undefined;
  /** Exact number of stream pieces. */
  chunks: number | undefined;
  /** A prefill the reply continues (Anthropic): the text is what follows it. */
  prefill?: string | undefined;
}

/** Resolves `spec` against the request context. */
export function resolveReply(spec: ReplySpec | undefined, ctx: ReplyContext): ResolvedReply {
  const calls = spec?.toolCalls ?? [];
  const full = spec?.text ?? (calls.length > 0 ? undefined : ctx.defaultText);
  const text = full !== undefined && ctx.prefill !== undefined ? continueAfter(full, ctx.prefill) : full;
  const toolCalls = calls.map((call, i): ResolvedToolCall => {
    const raw = call.arguments ?? {};
    const argsJson = typeof raw === 'string' ? raw : JSON.stringify(raw);
    let args: Record<string, unknown>;
    if (typeof raw === 'string') {
      try {
        args = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        args = {};
      }
    } else {
      args = raw;
    }
    return {
      id: call.id ?? `${ctx.idPrefix}mock${ctx.seq}_${i}`,
      explicitId: call.id !== undefined,
      name: call.name,
      args,
      argsJson,
    };
  });
  let completion = text ? countWords(text) : 0;
  for (const call of toolCalls) completion += Math.ceil(call.argsJson.length / 4) + 1;
  const u = spec?.usage;
  return {
    text,
    pieces: text === undefined ? [] : splitText(text, ctx.chunkSize, ctx.chunks),
    toolCalls,
    finish: spec?.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    model: spec?.model ?? ctx.model,
    usage: {
      prompt: u?.promptTokens ?? ctx.promptTokens,
      completion: u?.completionTokens ?? completion,
      cached: u?.cachedTokens ?? 0,
      cacheWrite: u?.cacheWriteTokens ?? 0,
      reasoning: u?.reasoningTokens ?? 0,
    },
    blockReason: spec?.blockReason,
  };
}
