/** @module */
import { BadRequestError } from './errors.js';
import type { ChatRequest } from './types.js';

/** One of the message roles (a `switch` over the literals: cheaper than a set lookup per message). */
function isRole(role: string): boolean {
  switch (role) {
    case 'user':
    case 'system':
    case 'assistant':
    case 'developer':
    case 'tool':
      return true;
    default:
      return false;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The name of message `i` in errors, built only for an error: a valid message allocates nothing. */
const at = (i: number): string => `messages[${i}]`;

function fail(field: string, expected: string, value: unknown): never {
  throw new BadRequestError(`Invalid request: ${field} must be ${expected}, got ${describe(value)}`, { field, status: 400 });
}

function optionalNumber(field: string, v: unknown, min: number, max: number): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(field, `a number between ${min} and ${max}`, v);
}

function optionalPositiveInt(field: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(field, 'a positive integer', v);
}

/**
 * Checks a request before any network call. Every problem is a {@link BadRequestError} whose
 * message and `field` name the offending field (`messages[2].role`).
 *
 * @param request - what the caller passed to `chat(i)` / `stream()`
 * @throws {@link BadRequestError} naming the first invalid field
 */
export function validateRequest(request: unknown): asserts request is ChatRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) fail('request', 'an object', request);
  const req = request as ChatRequest;
  if (typeof req.model !== 'string' || req.model.trim() === '') fail('model', 'a non-empty string', req.model);
  if (!Array.isArray(req.messages)) fail('messages', 'an array of messages', req.messages);
  if (req.messages.length === 0) fail('messages', 'a non-empty array', req.messages);
  for (let i = 0; i < req.messages.length; i++) {
    const m = req.messages[i] as unknown as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(at(i), 'an object with role and content', m);
    if (typeof m.role !== 'string' || !isRole(m.role)) fail(`${at(i)}.role`, 'one of system, developer, user, assistant, tool', m.role);
    const content = m.content;
    const hasToolCalls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
    if (m.role === 'assistant') {
      if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) fail(`${at(i)}.content`, 'a string, an array of parts or null', content);
      if (!hasToolCalls && (content === undefined || content === null) && typeof m.refusal !== 'string') fail(`${at(i)}.content`, 'set when the assistant message has no tool_calls', content);
    } else if (typeof content !== 'string' && !Array.isArray(content)) {
      fail(`${at(i)}.content`, 'a string or an array of content parts', content);
    }
    if (Array.isArray(content)) {
      content.forEach((part: unknown, j) => {
        if (typeof part !== 'object' || part === null || typeof (part as { type?: unknown }).type !== 'string') fail(`${at(i)}.content[${j}]`, 'a content part with a string type', part);
      });
    }
    if (m.role === 'tool' && (typeof m.tool_call_id !== 'string' || m.tool_call_id === '')) fail(`${at(i)}.tool_call_id`, 'a non-empty string', m.tool_call_id);
  }
  optionalNumber('temperature', req.temperature, 0, 2);
  optionalNumber('top_p', req.top_p, 0, 1);
  optionalPositiveInt('max_tokens', req.max_tokens);
  optionalPositiveInt('max_completion_tokens', req.max_completion_tokens);
  optionalPositiveInt('n', req.n);
  if (req.stop !== undefined && req.stop !== null && typeof req.stop !== 'string' && !(Array.isArray(req.stop) && req.stop.every((s) => typeof s === 'string'))) {
    fail('stop', 'a string or an array of strings', req.stop);
  }
  if (req.tools !== undefined) {
    if (!Array.isArray(req.tools)) fail('tools', 'an array of tools', req.tools);
    req.tools.forEach((tool, i) => {
      const name = (tool as { function?: { name?: unknown } } | null)?.function?.name;
      if (typeof name !== 'string' || name === '') fail(`tools[${i}].function.name`, 'a non-empty string', name);
    });
  }
}
