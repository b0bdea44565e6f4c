/**
 * The body of `POST /v1/messages` → the core `ChatRequest` (OpenAI-shaped), the inverse of the
 * Anthropic adapter's translation: `max_tokens`, `stop_sequences` → `stop`, `temperature`,
 * `top_p`, `top_k`, `thinking` (unless disabled), `metadata.user_id` → `user`, custom `tools`,
 * `tool_choice` (`disable_parallel_tool_use` → `parallel_tool_calls: false`),
 * `output_config.format` → `response_format` (json_schema). What no upstream-neutral request can
 * carry gets a 400 naming the field; billing-only hints (`service_tier`, `speed`, `diagnostics`,
 * top-level `cache_control`) are ignored.
 * @module
 */
import type { ChatRequest, FunctionTool, ToolChoice } from '@lifeline/core';
import { describe, invalid } from './blocks.js';
import { toChatMessages } from './conversation.js';
import type { MessagesBody, ToolChoiceParam, ToolParam } from './types.js';

/** Fields Anthropic accepts that this gateway cannot honour on every upstream, and why. */
const REFUSED: Record<string, string> = {
  container: 'containers run server tools on Anthropic only',
  mcp_servers: 'MCP servers are called by Anthropic only',
  context_management: 'context editing is done by Anthropic only',
  inference_geo: 'the region is chosen by the route, not per request',
  user_profile_id: 'user profiles are an Anthropic account feature',
  workspace_id: 'workspaces are an Anthropic account feature',
};

function toTool(tool: ToolParam, i: number): FunctionTool {
  const at = `tools[${i}]`;
  if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
    invalid(`${at}.type`, `${describe(tool.type)} is a server tool, which this gateway cannot run on every upstream; only custom tools ({ name, description, input_schema }) are supported`);
  }
  if (typeof tool.input_schema !== 'object' || tool.input_schema === null || Array.isArray(tool.input_schema)) {
    invalid(`${at}.input_schema`, `must be a JSON Schema object, got ${describe(tool.input_schema)}`);
  }
  const fn: FunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  const out: FunctionTool & { cache_control?: unknown } = { type: 'function', function: fn };
  if (tool.cache_control) out.cache_control = tool.cache_control;
  return out;
}

function toToolChoice(choice: ToolChoiceParam): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

function applyTools(out: ChatRequest, body: MessagesBody): void {
  const tools = body.tools ?? [];
  const choice = body.tool_choice;
  if (tools.length === 0) {
    if (choice && choice.type !== 'none' && choice.type !== 'auto') invalid('tool_choice', `${describe(choice.type)} needs tools: the request has none`);
    return;
  }
  out.tools = tools.map(toTool);
  if (!choice) return;
  if (choice.type === 'tool' && !tools.some((t) => t.name === choice.name)) invalid('tool_choice.name', `must name one of the request's tools, got ${describe(choice.name)}`);
  out.tool_choice = toToolChoice(choice);
  if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
}

function applyOutputConfig(out: ChatRequest, config: MessagesBody['output_config']): void {
  if (!config) return;
  if (config.effort !== undefined && config.effort !== null) {
    invalid('output_config.effort', 'is not supported by this gateway: effort levels have no equivalent on every upstream; leave it out');
  }
  const format = config.format;
  if (!format) return;
  if (format.type !== 'json_schema' || typeof format.schema !== 'object' || format.schema === null) {
    invalid('output_config.format', 'must be { type: "json_schema", schema: {…} }');
  }
  out.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}

/**
 * Translates a Messages request (its JSON schema already checked: types, ranges, `max_tokens`).
 *
 * @param body - the parsed body
 * @returns the core request (`stream` left out: the route decides)
 * @throws {@link HttpError} 400 `invalid_request_error` naming the field, for what no upstream can be sent
 * @example
 * ```ts
 * toChatRequest({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
 * // { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] }
 * ```
 */
export function toChatRequest(body: MessagesBody): ChatRequest {
  for (const [field, why] of Object.entries(REFUSED)) {
    if (body[field] !== undefined && body[field] !== null) invalid(field, `is not supported by this gateway: ${why}`);
  }
  const out: ChatRequest = { model: body.model, messages: toChatMessages(body.system, body.messages) };
  if (out.messages.length === 0) invalid('messages', 'must hold at least one non-empty turn');
  if (body.max_tokens !== undefined) out.max_tokens = body.max_tokens;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (body.top_k !== undefined) out.top_k = body.top_k;
  const stops = (body.stop_sequences ?? []).filter((s) => s !== '');
  if (stops.length > 0) out.stop = stops;
  applyTools(out, body);
  if (body.thinking && body.thinking.type !== 'disabled') out.thinking = body.thinking;
  const user = body.metadata?.user_id;
  if (typeof user === 'string' && user !== '') out.user = user;
  applyOutputConfig(out, body.output_config);
  return out;
}
