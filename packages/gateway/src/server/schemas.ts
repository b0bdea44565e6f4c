/**
 * JSON schemas of the request bodies, and how a schema violation becomes a message naming the field.
 * @module
 */
import { describe } from '../config/check.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { type: 'string', enum: ROLES },
    content: { type: ['string', 'array', 'null'], items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } },
    name: { type: 'string' },
    tool_call_id: { type: 'string' },
    tool_calls: { type: 'array', items: { type: 'object' } },
  },
};

const messages = { type: 'array', minItems: 1, maxItems: 10_000, items: message };
const nullableNumber = (minimum: number, maximum: number) => ({ type: ['number', 'null'], minimum, maximum });
const nullablePositiveInt = { type: ['integer', 'null'], minimum: 1 };

/** `POST /v1/chat/completions`: the OpenAI request; unknown fields pass through to the provider. */
export const chatCompletionBody = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    messages,
    stream: { type: ['boolean', 'null'] },
    stream_options: { type: ['object', 'null'], properties: { include_usage: { type: 'boolean' } } },
    temperature: nullableNumber(0, 2),
    top_p: nullableNumber(0, 1),
    presence_penalty: nullableNumber(-2, 2),
    frequency_penalty: nullableNumber(-2, 2),
    max_tokens: nullablePositiveInt,
    max_completion_tokens: nullablePositiveInt,
    n: { type: ['integer', 'null'], minimum: 1, maximum: 1 }, // one choice per request: see ONE_CHOICE
    seed: { type: ['integer', 'null'] },
    stop: { type: ['string', 'array', 'null'], items: { type: 'string' }, maxItems: 4 },
    user: { type: 'string' },
    tools: { type: 'array', items: { type: 'object', required: ['type', 'function'], properties: { type: { type: 'string' }, function: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } } } },
  },
} as const;

/** `POST /api/chat`: the seed's simplified request. */
export const apiChatBody = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages,
    model: { type: 'string', minLength: 1, maxLength: 256 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    maxTokens: { type: 'integer', minimum: 1 },
  },
} as const;

/**
 * Why `n > 1` is refused: failover, the cache, the degraded answer and cost metering all count one
 * answer per call, and Anthropic cannot produce several choices at all.
 */
export const ONE_CHOICE = 'the gateway returns one choice per request (send parallel requests for several)';

/** One ajv error, as Fastify attaches it to `error.validation`. */
export interface SchemaIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
}

/** `/messages/0/role` → `messages[0].role`. */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || 'body';
}

/**
 * A user-facing sentence for the first schema violation, and the field it names.
 *
 * @param issue - the first ajv error
 * @returns `{ field, message }`, e.g. `messages[0].role` / `messages[0].role must be one of system, …, got "robot"`
 */
export function explainSchemaIssue(issue: SchemaIssue): { field: string; message: string } {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required': {
      const field = fieldPath(issue.instancePath, String(p.missingProperty));
      return { field, message: `${field} is required` };
    }
    case 'additionalProperties': {
      const field = fieldPath(issue.instancePath, String(p.additionalProperty));
      return { field, message: `${field} is not a recognised field` };
    }
    case 'enum': {
      const field = fieldPath(issue.instancePath);
      return { field, message: `${field} must be one of ${(p.allowedValues as unknown[]).join(', ')}, got ${describe(issue.data)}` };
    }
    case 'type': {
      const field = fieldPath(issue.instancePath);
      const types = ([] as unknown[]).concat(p.type).map(String).map((t) => (t === 'integer' ? 'an integer' : t === 'array' ? 'an array' : t === 'object' ? 'an object' : t === 'null' ? 'null' : `a ${t}`));
      return { field, message: `${field} must be ${types.join(' or ')}, got ${describe(issue.data)}` };
    }
    case 'maximum':
      if (issue.instancePath === '/n') return { field: 'n', message: `n must be 1: ${ONE_CHOICE}, got ${describe(issue.data)}` };
    // falls through
    default: {
      const field = fieldPath(issue.instancePath);
      return { field, message: `${field} ${issue.message ?? 'is invalid'}${issue.data !== undefined && typeof issue.data !== 'object' ? `, got ${describe(issue.data)}` : ''}` };
    }
  }
}
