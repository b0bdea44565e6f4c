/**
 * Smooths over what "OpenAI-compatible" servers send differently: `choices: null`, usage in
 * `x_groq.usage`, tool-call deltas without `index` (Ollama, Gemini-compat), missing `object`,
 * `finish_reason` or `message` fields.
 * @module
 */
import type { ChatChunk, ChatResponse, ToolCallDelta, Usage } from '@lifeline/core';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Usage from `usage`, else from Groq's older `x_groq.usage`. */
function usageOf(json: Obj): Usage | null | undefined {
  const usage = json.usage as Usage | null | undefined;
  if (usage) return usage;
  const groq = json.x_groq;
  if (isObj(groq) && isObj(groq.usage)) return groq.usage as Usage;
  return usage;
}

/**
 * Assigns `index` to tool-call deltas that lack one, per choice: a delta with a new `id` starts a
 * new call; one without `id` continues the last call.
 */
export class ToolIndexer {
  /** Made at the first tool call: most streams have none. */
  #ids: Map<number, string[]> | undefined;

  /** Fills in missing `index` fields of `calls` (in place) for choice `choice`. */
  assign(choice: number, calls: ToolCallDelta[]): void {
    const byChoice = (this.#ids ??= new Map());
    let ids = byChoice.get(choice);
    if (!ids) byChoice.set(choice, (ids = []));
    for (const call of calls) {
      if (typeof call.index === 'number') {
        if (call.id) ids[call.index] = call.id;
        continue;
      }
      const known = call.id ? ids.indexOf(call.id) : -1;
      if (known >= 0) call.index = known;
      else if (call.id || ids.length === 0) call.index = ids.push(call.id ?? '') - 1;
      else call.index = ids.length - 1;
    }
  }
}

/**
 * Turns a parsed stream event into a well-formed {@link ChatChunk}, or `undefined` when it is
 * not a chunk at all (no `choices` and no usage).
 *
 * @param json - the parsed `data:` payload
 * @param tools - per-stream state for tool-call indexes
 */
export function normalizeChunk(json: Obj, tools: ToolIndexer): ChatChunk | undefined {
  if (isWellFormedChunk(json, tools)) return json as unknown as ChatChunk;
  const rawChoices = json.choices;
  const usage = usageOf(json);
  if (!Array.isArray(rawChoices) && rawChoices !== null && rawChoices !== undefined) return undefined;
  if (!Array.isArray(rawChoices) && !usage) return undefined;
  const choices = (Array.isArray(rawChoices) ? rawChoices : []).filter(isObj).map((c, i) => {
    const index = typeof c.index === 'number' ? c.index : i;
    const delta = (isObj(c.delta) ? c.delta : isObj(c.message) ? c.message : {}) as ChatChunk['choices'][number]['delta'];
    if (Array.isArray(delta.tool_calls)) tools.assign(index, delta.tool_calls);
    return { ...c, index, delta, finish_reason: (c.finish_reason as string | null | undefined) ?? null };
  });
  const chunk = { ...json, object: 'chat.completion.chunk', choices } as ChatChunk;
  if (typeof chunk.id !== 'string') chunk.id = String(chunk.id ?? '');
  if (typeof chunk.created !== 'number') chunk.created = 0;
  if (typeof chunk.model !== 'string') chunk.model = '';
  if (usage !== undefined) chunk.usage = usage;
  return chunk;
}

/**
 * True when `json` already is a well-formed chunk, so {@link normalizeChunk} would only copy it:
 * `object`, string `id` and `model`, numeric `created`, and choices that are objects with a numeric
 * `index`, a `delta` object, a `finish_reason` and tool-call deltas that all have their `index`
 * (their ids are still recorded in `tools`); usage, if any, in `usage`. What OpenAI itself sends.
 */
function isWellFormedChunk(json: Obj, tools: ToolIndexer): boolean {
  if (json.object !== 'chat.completion.chunk' || typeof json.id !== 'string' || typeof json.created !== 'number' || typeof json.model !== 'string') return false;
  const choices = json.choices;
  if (!Array.isArray(choices)) return false;
  if (!json.usage && json.x_groq !== undefined && usageOf(json)) return false;
  for (let i = 0; i < choices.length; i++) {
    const c: unknown = choices[i];
    if (!isObj(c) || typeof c.index !== 'number' || !isObj(c.delta) || c.finish_reason === undefined) return false;
    const calls = (c.delta as { tool_calls?: unknown }).tool_calls;
    if (calls === undefined) continue;
    if (!Array.isArray(calls)) return false;
    for (const call of calls) if (!isObj(call) || typeof call.index !== 'number') return false;
    tools.assign(c.index, calls as ToolCallDelta[]);
  }
  return true;
}

/**
 * Turns a parsed non-streamed body into a well-formed {@link ChatResponse}, or `undefined` when
 * it has no `choices` array.
 */
export function normalizeCompletion(json: Obj): ChatResponse | undefined {
  if (!Array.isArray(json.choices)) return undefined;
  if (isWellFormed(json, json.choices)) return json as unknown as ChatResponse;
  const choices = json.choices.filter(isObj).map((c, i) => ({
    ...c,
    index: typeof c.index === 'number' ? c.index : i,
    message: { role: 'assistant', content: null, ...(isObj(c.message) ? c.message : {}) },
    finish_reason: (c.finish_reason as string | null | undefined) ?? null,
  }));
  const response = { ...json, object: 'chat.completion', choices } as ChatResponse;
  if (typeof response.id !== 'string') response.id = String(response.id ?? '');
  if (typeof response.created !== 'number') response.created = 0;
  if (typeof response.model !== 'string') response.model = '';
  const usage = usageOf(json);
  if (usage !== undefined) response.usage = usage;
  return response;
}

/**
 * True when `json` already has every field {@link normalizeCompletion} would fill in (what OpenAI
 * itself and most relays send): it is then returned as is, without a copy.
 */
function isWellFormed(json: Obj, choices: unknown[]): boolean {
  if (json.object !== 'chat.completion' || typeof json.id !== 'string' || typeof json.created !== 'number' || typeof json.model !== 'string') return false;
  // Usage only in Groq's `x_groq.usage`: normalised.
  if (!json.usage && json.x_groq !== undefined) return false;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i];
    if (!isObj(c) || typeof c.index !== 'number' || c.finish_reason === undefined) return false;
    const message = c.message;
    if (!isObj(message) || message.role === undefined || message.content === undefined) return false;
  }
  return true;
}
