/**
 * The Responses request's settings → a core `ChatRequest`: function tools, `tool_choice`,
 * `parallel_tool_calls`, `text.format`, `max_output_tokens`, sampling, `reasoning.effort`, `user`.
 * What would change the meaning of the call and cannot be served through a chat API (built-in
 * tools, background mode, conversations, prompt templates) is refused with a 400 naming it.
 * @module
 */
import type { ChatMessage, ChatRequest, FunctionTool, ResponseFormat, ToolChoice } from '@lifeline/core';
import { describe, invalid } from './errors.js';
import type { ResponsesBody } from './types.js';

/** Fields refused outright: serving the call without them would silently change what the caller asked for. */
const REFUSED: Record<string, string> = {
  background: 'background mode is not supported by this gateway: answer in the foreground (stream: true for long answers)',
  conversation: 'the Conversations API is not supported by this gateway: continue with previous_response_id, or send the history in input',
  prompt: 'prompt templates are stored by OpenAI and cannot be served by this gateway: send instructions and input instead',
  moderation: 'moderated completions are not supported by this gateway',
};

/** Chat Completions fields carried over as they are (OpenAI-compatible upstreams read them; the others drop them). */
const CARRIED = ['prompt_cache_key', 'safety_identifier', 'service_tier'] as const;

function functionTools(tools: ResponsesBody['tools']): FunctionTool[] {
  return (tools ?? []).map((tool, i) => {
    if (tool?.type !== 'function') {
      const kind = tool?.type === 'custom' ? 'a free-form custom tool' : 'a built-in OpenAI tool';
      throw invalid(`tools[${i}].type`, `${describe(tool?.type)} is ${kind} and is not supported by this gateway (its upstreams may be any vendor): only function tools are`, 'unsupported_tool');
    }
    if (typeof tool.name !== 'string' || tool.name === '') throw invalid(`tools[${i}].name`, `must be a non-empty string, got ${describe(tool.name)}`);
    const fn: FunctionTool['function'] = { name: tool.name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (tool.parameters && typeof tool.parameters === 'object') fn.parameters = tool.parameters as Record<string, unknown>;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { type: 'function', function: fn };
  });
}

/** `tool_choice` → chat `tool_choice`, and the tools it allows (`allowed_tools` narrows the list). */
function toolChoice(choice: unknown, tools: FunctionTool[]): { choice?: ToolChoice; tools: FunctionTool[] } {
  if (choice === undefined || choice === null) return { tools };
  if (choice === 'none' || choice === 'auto' || choice === 'required') return { choice, tools };
  const c = choice as { type?: unknown; name?: unknown; mode?: unknown; tools?: unknown };
  if (c.type === 'function') {
    if (typeof c.name !== 'string') throw invalid('tool_choice.name', `must be a string, got ${describe(c.name)}`);
    return { choice: { type: 'function', function: { name: c.name } }, tools };
  }
  if (c.type === 'allowed_tools') {
    if (c.mode !== 'auto' && c.mode !== 'required') throw invalid('tool_choice.mode', `must be auto or required, got ${describe(c.mode)}`);
    const allowed = new Set((Array.isArray(c.tools) ? c.tools : []).map((t: { type?: unknown; name?: unknown }, i) => {
      if (t?.type !== 'function' || typeof t.name !== 'string') throw invalid(`tool_choice.tools[${i}]`, 'must be { type: "function", name }: only function tools are supported');
      return t.name;
    }));
    return { choice: c.mode, tools: tools.filter((t) => allowed.has(t.function.name)) };
  }
  throw invalid('tool_choice', `must be none, auto, required, { type: "function", name } or { type: "allowed_tools", … }, got ${describe(typeof c.type === 'string' ? c.type : choice)} (built-in tools are not supported)`, 'unsupported_tool');
}

function responseFormat(text: ResponsesBody['text']): ResponseFormat | undefined {
  const format = text?.format;
  if (format === undefined || format === null || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    if (typeof format.name !== 'string' || format.name === '') throw invalid('text.format.name', `must be a non-empty string, got ${describe(format.name)}`);
    if (!format.schema || typeof format.schema !== 'object') throw invalid('text.format.schema', `must be a JSON schema object, got ${describe(format.schema)}`);
    const schema: Extract<ResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: format.name, schema: format.schema };
    if (typeof format.description === 'string') schema.description = format.description;
    if (typeof format.strict === 'boolean') schema.strict = format.strict;
    return { type: 'json_schema', json_schema: schema };
  }
  throw invalid('text.format.type', `must be text, json_object or json_schema, got ${describe((format as { type?: unknown }).type)}`);
}

/**
 * Builds the core request of a Responses call.
 *
 * @param body - the validated request body
 * @param messages - the conversation: instructions, the previous response's context, this input
 * @returns the `ChatRequest` the route's pipeline serves
 * @throws {@link HttpError} 400 naming the field, for what the gateway cannot serve
 * @example
 * ```ts
 * toChatRequest({ model: 'gpt-4.1', max_output_tokens: 200, text: { format: { type: 'json_object' } } }, messages);
 * // { model: 'gpt-4.1', messages, max_completion_tokens: 200, response_format: { type: 'json_object' } }
 * ```
 */
export function toChatRequest(body: ResponsesBody, messages: ChatMessage[]): ChatRequest {
  for (const [field, why] of Object.entries(REFUSED)) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false) throw invalid(field, why, 'unsupported_parameter');
  }
  if (messages.length === 0) throw invalid('input', 'is required: give input (or previous_response_id and input)');
  const request: ChatRequest = { model: body.model, messages };
  const { choice, tools } = toolChoice(body.tool_choice, functionTools(body.tools));
  if (tools.length > 0) {
    request.tools = tools;
    if (choice !== undefined) request.tool_choice = choice;
    if (typeof body.parallel_tool_calls === 'boolean') request.parallel_tool_calls = body.parallel_tool_calls;
  }
  const format = responseFormat(body.text);
  if (format) request.response_format = format;
  if (typeof body.text?.verbosity === 'string') request.verbosity = body.text.verbosity;
  if (typeof body.max_output_tokens === 'number') request.max_completion_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.reasoning?.effort === 'string') request.reasoning_effort = body.reasoning.effort;
  if (typeof body.user === 'string' && body.user !== '') request.user = body.user;
  for (const field of CARRIED) if (typeof body[field] === 'string') request[field] = body[field];
  return request;
}
