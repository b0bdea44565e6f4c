/**
 * JSON schema of the `POST /v1/responses` body: types and ranges, checked before translation
 * (a violation is a 400 naming the field). What a valid field may not ask for (a built-in tool,
 * an unknown item type) is refused by the translation, with its own message.
 * @module
 */

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });

/** The body schema (unknown fields are allowed: ignored ones are listed in the README). */
export const responsesBody = {
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    input: { type: ['string', 'array'], maxItems: 10_000, items: { type: 'object' } },
    instructions: nullable('string'),
    tools: { type: 'array', maxItems: 512, items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } },
    tool_choice: { type: ['string', 'object'] },
    parallel_tool_calls: nullable('boolean'),
    text: nullable('object', { properties: { format: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } }, verbosity: nullable('string') } }),
    max_output_tokens: nullable('integer', { minimum: 1 }),
    temperature: nullable('number', { minimum: 0, maximum: 2 }),
    top_p: nullable('number', { minimum: 0, maximum: 1 }),
    reasoning: nullable('object', { properties: { effort: nullable('string') } }),
    metadata: nullable('object', { maxProperties: 16, additionalProperties: { type: 'string', maxLength: 512 } }),
    user: { type: 'string', maxLength: 256 },
    previous_response_id: nullable('string', { minLength: 1, maxLength: 256 }),
    store: nullable('boolean'),
    stream: nullable('boolean'),
    truncation: { type: ['string', 'null'], enum: ['auto', 'disabled', null] },
  },
} as const;
