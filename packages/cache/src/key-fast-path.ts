/**
 * The canonical text of a request made only of the usual chat fields, written without sorting
 * its keys or looking each one up: the same text as the general walk, in less time.
 * @module
 */
import type { ChatRequest } from '@lifeline/core';
import { messagesJson, stableStringify } from './canonical-json.js';

/** The request fields this path writes, in canonical (code-unit) order. */
export const COMMON_FIELDS: readonly string[] = Object.freeze([
  'frequency_penalty',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'messages',
  'model',
  'n',
  'parallel_tool_calls',
  'presence_penalty',
  'response_format',
  'seed',
  'stop',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
]);

/** `"field":` of each common field, and `,"field":` for every field after the first. */
const PREFIXES: readonly string[] = COMMON_FIELDS.map((field) => `${JSON.stringify(field)}:`);
const NEXT_PREFIXES: readonly string[] = PREFIXES.map((prefix) => `,${prefix}`);

const MESSAGES = 4;

/**
 * The position of `field` in {@link COMMON_FIELDS}, or -1. A `switch` compares the property
 * name with each literal (both interned: a pointer test), cheaper than a map lookup.
 */
export function commonFieldIndex(field: string): number {
  switch (field) {
    case 'messages':
      return 4;
    case 'model':
      return 5;
    case 'temperature':
      return 12;
    case 'max_tokens':
      return 3;
    case 'max_completion_tokens':
      return 2;
    case 'top_p':
      return 16;
    case 'tools':
      return 14;
    case 'tool_choice':
      return 13;
    case 'response_format':
      return 9;
    case 'seed':
      return 10;
    case 'stop':
      return 11;
    case 'n':
      return 6;
    case 'parallel_tool_calls':
      return 7;
    case 'presence_penalty':
      return 8;
    case 'frequency_penalty':
      return 0;
    case 'logprobs':
      return 1;
    case 'top_logprobs':
      return 15;
    default:
      return -1;
  }
}

/**
 * The canonical text of `request` when every own enumerable key is a {@link COMMON_FIELDS}
 * entry or an `excluded` field; `undefined` for any other request (the caller takes the general
 * walk). Values are written as the general walk writes them (`null` and unrepresentable values
 * left out, `messages` through {@link messagesJson}, anything else through
 * {@link stableStringify}), read once each, in canonical order.
 */
export function commonRequestJson(request: ChatRequest, excluded: ReadonlySet<string>): string | undefined {
  const keys = Object.keys(request);
  let present = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const index = commonFieldIndex(key);
    if (index >= 0) present |= 1 << index;
    else if (!excluded.has(key)) return undefined;
  }
  let out = '{';
  let first = true;
  for (let i = 0; present !== 0; i++, present >>>= 1) {
    if ((present & 1) === 0) continue;
    const value = commonField(request, i);
    if (value === null) continue;
    const text = i === MESSAGES && Array.isArray(value) ? messagesJson(value) : stableStringify(value);
    if (text === undefined) continue;
    out += first ? PREFIXES[i]! + text : NEXT_PREFIXES[i]! + text;
    first = false;
  }
  return `${out}}`;
}

/** Field `i` of {@link COMMON_FIELDS}, read by name (a keyed read by a varying name goes megamorphic). */
function commonField(request: ChatRequest, i: number): unknown {
  switch (i) {
    case 0:
      return request.frequency_penalty;
    case 1:
      return request.logprobs;
    case 2:
      return request.max_completion_tokens;
    case 3:
      return request.max_tokens;
    case 4:
      return request.messages;
    case 5:
      return request.model;
    case 6:
      return request.n;
    case 7:
      return request.parallel_tool_calls;
    case 8:
      return request.presence_penalty;
    case 9:
      return request.response_format;
    case 10:
      return request.seed;
    case 11:
      return request.stop;
    case 12:
      return request.temperature;
    case 13:
      return request.tool_choice;
    case 14:
      return request.tools;
    case 15:
      return request.top_logprobs;
    case 16:
      return request.top_p;
    default:
      return undefined;
  }
}
