/**
 * The JSON schema of `POST /v1/embeddings`: the shape only — the contents of `input`,
 * `dimensions` and `encoding_format` are checked by core's `validateEmbeddingRequest`, whose
 * errors name the field (`input[3]`).
 * @module
 */

/** `POST /v1/embeddings`: the OpenAI request; unknown fields pass through to the provider. */
export const embeddingsBody = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    input: { type: ['string', 'array'] },
    dimensions: { type: ['integer', 'null'] },
    encoding_format: { type: ['string', 'null'] },
    user: { type: ['string', 'null'] },
  },
} as const;
