/**
 * JSON schemas of `POST /v1/messages` and `POST /v1/messages/count_tokens`. As Anthropic does,
 * an unknown top-level field is refused (400 naming it); content blocks are checked while
 * translating, with messages that name the block.
 * @module
 */

const block = { type: 'object', required: ['type'], properties: { type: { type: 'string' } } };
const textBlocks = { type: ['string', 'array'], items: block };

const message = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: { type: 'string', enum: ['user', 'assistant', 'system'] },
    content: textBlocks,
  },
};

const tool = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    description: { type: 'string' },
    input_schema: { type: 'object' },
    type: { type: ['string', 'null'] },
  },
};

const toolChoice = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['auto', 'any', 'tool', 'none'] },
    name: { type: 'string', minLength: 1 },
    disable_parallel_tool_use: { type: 'boolean' },
  },
  if: { properties: { type: { const: 'tool' } } },
  then: { required: ['type', 'name'] },
};

/** Fields of a request the gateway accepts (some of them only to refuse with a clear message). */
const common = {
  model: { type: 'string', minLength: 1, maxLength: 256 },
  messages: { type: 'array', minItems: 1, maxItems: 10_000, items: message },
  system: textBlocks,
  tools: { type: 'array', items: tool },
  tool_choice: toolChoice,
  thinking: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, budget_tokens: { type: 'integer', minimum: 1 } } },
  output_config: { type: 'object', additionalProperties: false, properties: { format: { type: ['object', 'null'] }, effort: { type: ['string', 'null'] } } },
  cache_control: { type: ['object', 'null'] },
  speed: { type: ['string', 'null'] },
  diagnostics: { type: ['object', 'null'] },
  mcp_servers: {},
  container: {},
  context_management: {},
  inference_geo: {},
  user_profile_id: {},
  workspace_id: {},
};

/** `POST /v1/messages`. */
export const messagesBody = {
  type: 'object',
  required: ['model', 'messages', 'max_tokens'],
  additionalProperties: false,
  properties: {
    ...common,
    max_tokens: { type: 'integer', minimum: 1 },
    stream: { type: 'boolean' },
    stop_sequences: { type: 'array', items: { type: 'string' } },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    metadata: { type: 'object', additionalProperties: false, properties: { user_id: { type: ['string', 'null'], maxLength: 256 } } },
    service_tier: { type: 'string', enum: ['auto', 'standard_only'] },
  },
} as const;

/**
 * `POST /v1/messages/count_tokens`: the same fields, `max_tokens` not required. Generation
 * settings (`max_tokens`, `stream`, sampling) are accepted and do not change the count, so a
 * client can count the very params it is about to send.
 */
export const countTokensBody = {
  type: 'object',
  required: ['model', 'messages'],
  additionalProperties: false,
  properties: messagesBody.properties,
} as const;
