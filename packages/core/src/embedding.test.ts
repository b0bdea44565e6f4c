import { describe, expect, it } from 'vitest';
import {
  decodeEmbedding,
  embeddingItems,
  embeddingWidth,
  encodeEmbedding,
  estimateEmbeddingTokens,
  estimateEmbeddingUsage,
  isBatchInput,
  isEmbeddingRequest,
  requestForItems,
} from './embedding.js';
import { BadRequestError } from './errors.js';
import { validateEmbeddingRequest } from './validate-embedding.js';

describe('embedding items', () => {
  it('lists one item per vector for every input form', () => {
    expect(embeddingItems('hi')).toEqual(['hi']);
    expect(embeddingItems(['a', 'b'])).toEqual(['a', 'b']);
    expect(embeddingItems([101, 2023])).toEqual([[101, 2023]]);
    expect(embeddingItems([[1, 2], [3]])).toEqual([[1, 2], [3]]);
    expect(isBatchInput('hi')).toBe(false);
    expect(isBatchInput([1, 2])).toBe(false);
    expect(isBatchInput(['a'])).toBe(true);
    expect(isBatchInput([[1]])).toBe(true);
  });

  it('builds a request for some items in the original form, without mutating it', () => {
    const batch = { model: 'm', input: ['a', 'b', 'c'], dimensions: 8, user: 'u' };
    expect(requestForItems(batch, ['b'])).toEqual({ model: 'm', input: ['b'], dimensions: 8, user: 'u' });
    expect(batch.input).toEqual(['a', 'b', 'c']);
    expect(requestForItems({ model: 'm', input: 'solo' }, ['solo'])).toEqual({ model: 'm', input: 'solo' });
    expect(requestForItems({ model: 'm', input: [5, 6] }, [[5, 6]])).toEqual({ model: 'm', input: [5, 6] });
    expect(requestForItems({ model: 'm', input: [[5], [6]] }, [[6]])).toEqual({ model: 'm', input: [[6]] });
  });

  it('estimates input tokens: ceil(chars / 4) per text (at least 1), the length of token ids', () => {
    expect(estimateEmbeddingTokens('Hello world')).toBe(3);
    expect(estimateEmbeddingTokens(['Hello world', 'Hi'])).toBe(4);
    expect(estimateEmbeddingTokens([[1, 2, 3], [4]])).toBe(4);
    expect(estimateEmbeddingUsage('abcdefgh')).toEqual({ prompt_tokens: 2, total_tokens: 2, estimated: true });
  });

  it('tells an embedding request from a chat request', () => {
    expect(isEmbeddingRequest({ model: 'm', input: 'x' })).toBe(true);
    expect(isEmbeddingRequest({ model: 'm', messages: [] })).toBe(false);
    expect(isEmbeddingRequest(null)).toBe(false);
  });
});

describe('base64 vectors', () => {
  it('encodes little-endian float32 the way the OpenAI SDK decodes it, and back', () => {
    expect(encodeEmbedding([0.5, -1])).toBe('AAAAPwAAgL8=');
    const buf = Buffer.from('AAAAPwAAgL8=', 'base64');
    expect(Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4))).toEqual([0.5, -1]);
    expect(decodeEmbedding(encodeEmbedding([0.25, 3, -0.125]))).toEqual([0.25, 3, -0.125]);
  });

  it('measures the width of either encoding', () => {
    for (const n of [1, 2, 3, 7, 1536]) {
      const v = Array.from({ length: n }, (_, i) => i / 10);
      expect(embeddingWidth(v)).toBe(n);
      expect(embeddingWidth(encodeEmbedding(v))).toBe(n);
    }
  });

  it('rejects base64 that is not whole float32 values', () => {
    expect(() => decodeEmbedding('AAA=')).toThrow(new RangeError('A base64 embedding must hold a whole number of float32 values, got 2 bytes'));
  });
});

describe('validateEmbeddingRequest()', () => {
  const bad = (request: unknown, field: string, message: string) => {
    let error: unknown;
    try {
      validateEmbeddingRequest(request);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe(message);
    expect((error as BadRequestError).field).toBe(field);
    expect((error as BadRequestError).status).toBe(400);
  };

  it('accepts every OpenAI input form and the optional fields', () => {
    for (const input of ['a', ['a', 'b'], [1, 2], [[1], [2, 3]]]) {
      expect(() => validateEmbeddingRequest({ model: 'm', input, dimensions: 256, encoding_format: 'base64', user: 'u', input_type: 'query' })).not.toThrow();
    }
  });

  it('accepts token id 0, width 1 and the float encoding', () => {
    expect(() => validateEmbeddingRequest({ model: 'm', input: [0], dimensions: 1, encoding_format: 'float' })).not.toThrow();
    expect(() => validateEmbeddingRequest({ model: 'm', input: [[0]] })).not.toThrow();
  });

  it('names the invalid field', () => {
    bad('x', 'request', 'Invalid embedding request: request must be an object, got "x"');
    bad({ input: 'a' }, 'model', 'Invalid embedding request: model must be a non-empty string, got undefined');
    bad({ model: 'm' }, 'input', 'Invalid embedding request: input must be a non-empty string, an array of non-empty strings, an array of token ids, or an array of token-id arrays, got undefined');
    bad({ model: 'm', input: '' }, 'input', 'Invalid embedding request: input must be a non-empty string, an array of non-empty strings, an array of token ids, or an array of token-id arrays, got an empty string');
    bad({ model: 'm', input: [] }, 'input', 'Invalid embedding request: input must be a non-empty string, an array of non-empty strings, an array of token ids, or an array of token-id arrays, got an empty array');
    bad({ model: 'm', input: ['a', '', 'c'] }, 'input[1]', 'Invalid embedding request: input[1] must be a non-empty string, got an empty string');
    bad({ model: 'm', input: ['a', 3] }, 'input[1]', 'Invalid embedding request: input[1] must be a non-empty string, got number 3');
    bad({ model: 'm', input: [1, -2] }, 'input[1]', 'Invalid embedding request: input[1] must be a token id (a non-negative integer), got number -2');
    bad({ model: 'm', input: [[1], []] }, 'input[1]', 'Invalid embedding request: input[1] must be a non-empty array of token ids, got an empty array');
    bad({ model: 'm', input: [[1], [2.5]] }, 'input[1][0]', 'Invalid embedding request: input[1][0] must be a token id (a non-negative integer), got number 2.5');
    bad({ model: 'm', input: [{ text: 'a' }] }, 'input[0]', 'Invalid embedding request: input[0] must be a string, a token id or an array of token ids, got an object');
    bad({ model: 'm', input: 'a', dimensions: 0 }, 'dimensions', 'Invalid embedding request: dimensions must be a positive integer, got number 0');
    bad({ model: 'm', input: 'a', encoding_format: 'int8' }, 'encoding_format', 'Invalid embedding request: encoding_format must be \'float\' or \'base64\', got "int8"');
    bad({ model: 'm', input: 'a', user: 7 }, 'user', 'Invalid embedding request: user must be a string, got number 7');
    bad(null, 'request', 'Invalid embedding request: request must be an object, got null');
    bad(['a'], 'request', 'Invalid embedding request: request must be an object, got an array');
    bad({ model: ' ', input: 'a' }, 'model', 'Invalid embedding request: model must be a non-empty string, got " "');
    bad({ model: 'm', input: ['a', 'b', ''] }, 'input[2]', 'Invalid embedding request: input[2] must be a non-empty string, got an empty string');
    bad({ model: 'm', input: [1, '2'] }, 'input[1]', 'Invalid embedding request: input[1] must be a token id (a non-negative integer), got "2"');
    bad({ model: 'm', input: [[1], 2] }, 'input[1]', 'Invalid embedding request: input[1] must be an array of token ids, got number 2');
    bad({ model: 'm', input: [[1], ['2']] }, 'input[1][0]', 'Invalid embedding request: input[1][0] must be a token id (a non-negative integer), got "2"');
    bad({ model: 'm', input: [null] }, 'input[0]', 'Invalid embedding request: input[0] must be a string, a token id or an array of token ids, got null');
    bad({ model: 'm', input: ['ok', ['x']] }, 'input[1]', 'Invalid embedding request: input[1] must be a non-empty string, got an array');
    bad({ model: 'm', input: 'a', dimensions: 1.5 }, 'dimensions', 'Invalid embedding request: dimensions must be a positive integer, got number 1.5');
    bad({ model: 'm', input: 'a', dimensions: '8' }, 'dimensions', 'Invalid embedding request: dimensions must be a positive integer, got "8"');
    bad({ model: 'm', input: 'a', encoding_format: 'x'.repeat(41) }, 'encoding_format', `Invalid embedding request: encoding_format must be 'float' or 'base64', got "${'x'.repeat(40)}…"`);
    bad({ model: 'm', input: 'a', encoding_format: 'y'.repeat(40) }, 'encoding_format', `Invalid embedding request: encoding_format must be 'float' or 'base64', got "${'y'.repeat(40)}"`);
    bad({ model: 'm', input: 'a', messages: [] }, 'messages', 'Invalid embedding request: messages must be absent from an embedding request (send input; chat requests go to chat()), got an empty array');
  });
});
