/** @module */
import type { EmbeddingRequest } from './embedding-types.js';
import { BadRequestError } from './errors.js';

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new BadRequestError(`Invalid embedding request: ${field} must be ${expected}, got ${describe(value)}`, { field, status: 400 });
}

const isTokenId = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function checkTokens(tokens: readonly unknown[], field: string): void {
  if (tokens.length === 0) fail(field, 'a non-empty array of token ids', tokens);
  for (let i = 0; i < tokens.length; i++) if (!isTokenId(tokens[i])) fail(`${field}[${i}]`, 'a token id (a non-negative integer)', tokens[i]);
}

const INPUT_FORMS = 'a non-empty string, an array of non-empty strings, an array of token ids, or an array of token-id arrays';

/**
 * Checks an embedding request before any network call. Every problem is a
 * {@link BadRequestError} whose message and `field` name the offending field (`input[3]`).
 *
 * @param request - what the caller passed to `embed()`
 * @throws {@link BadRequestError} naming the first invalid field
 * @example
 * ```ts
 * validateEmbeddingRequest({ model: 'text-embedding-3-small', input: ['a', ''] });
 * // BadRequestError: Invalid embedding request: input[1] must be a non-empty string, got an empty string
 * ```
 */
export function validateEmbeddingRequest(request: unknown): asserts request is EmbeddingRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) fail('request', 'an object', request);
  const req = request as Partial<EmbeddingRequest> & Record<string, unknown>;
  if (typeof req.model !== 'string' || req.model.trim() === '') fail('model', 'a non-empty string', req.model);
  if ('messages' in req) fail('messages', 'absent from an embedding request (send input; chat requests go to chat())', req.messages);
  const input = req.input;
  if (typeof input === 'string') {
    if (input === '') fail('input', INPUT_FORMS, input);
  } else if (!Array.isArray(input) || input.length === 0) {
    fail('input', INPUT_FORMS, input);
  } else if (typeof input[0] === 'number') {
    checkTokens(input, 'input');
  } else if (typeof input[0] === 'string') {
    for (let i = 0; i < input.length; i++) if (typeof input[i] !== 'string' || input[i] === '') fail(`input[${i}]`, 'a non-empty string', input[i]);
  } else if (Array.isArray(input[0])) {
    for (let i = 0; i < input.length; i++) {
      const item: unknown = input[i];
      if (!Array.isArray(item)) fail(`input[${i}]`, 'an array of token ids', item);
      checkTokens(item, `input[${i}]`);
    }
  } else {
    fail('input[0]', 'a string, a token id or an array of token ids', input[0]);
  }
  const { dimensions, encoding_format: encoding, user } = req;
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)) fail('dimensions', 'a positive integer', dimensions);
  if (encoding !== undefined && encoding !== 'float' && encoding !== 'base64') fail('encoding_format', "'float' or 'base64'", encoding);
  if (user !== undefined && typeof user !== 'string') fail('user', 'a string', user);
}
