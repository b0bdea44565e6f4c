/**
 * Every convention name used is the published one: checked against
 * `@opentelemetry/semantic-conventions` (the incubating entry point, where the GenAI names live).
 */
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS, GEN_AI, METRICS, TOKEN_BUCKETS } from './names.js';
import { defaultProviderName } from './options.js';

describe('names', () => {
  it('GenAI, server, error and HTTP attributes match the conventions package', () => {
    const published: Record<keyof typeof GEN_AI, string> = {
      OPERATION_NAME: semconv.ATTR_GEN_AI_OPERATION_NAME,
      PROVIDER_NAME: semconv.ATTR_GEN_AI_PROVIDER_NAME,
      REQUEST_MODEL: semconv.ATTR_GEN_AI_REQUEST_MODEL,
      REQUEST_MAX_TOKENS: semconv.ATTR_GEN_AI_REQUEST_MAX_TOKENS,
      REQUEST_TEMPERATURE: semconv.ATTR_GEN_AI_REQUEST_TEMPERATURE,
      REQUEST_TOP_P: semconv.ATTR_GEN_AI_REQUEST_TOP_P,
      REQUEST_FREQUENCY_PENALTY: semconv.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
      REQUEST_PRESENCE_PENALTY: semconv.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
      REQUEST_SEED: semconv.ATTR_GEN_AI_REQUEST_SEED,
      REQUEST_STOP_SEQUENCES: semconv.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
      REQUEST_CHOICE_COUNT: semconv.ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
      REQUEST_STREAM: semconv.ATTR_GEN_AI_REQUEST_STREAM,
      REQUEST_ENCODING_FORMATS: semconv.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
      EMBEDDINGS_DIMENSION_COUNT: semconv.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
      RESPONSE_MODEL: semconv.ATTR_GEN_AI_RESPONSE_MODEL,
      RESPONSE_ID: semconv.ATTR_GEN_AI_RESPONSE_ID,
      RESPONSE_FINISH_REASONS: semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
      RESPONSE_TIME_TO_FIRST_CHUNK: semconv.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
      USAGE_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      USAGE_OUTPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      USAGE_CACHE_READ_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
      USAGE_CACHE_CREATION_INPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
      USAGE_REASONING_OUTPUT_TOKENS: semconv.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
      TOKEN_TYPE: semconv.ATTR_GEN_AI_TOKEN_TYPE,
      INPUT_MESSAGES: semconv.ATTR_GEN_AI_INPUT_MESSAGES,
      OUTPUT_MESSAGES: semconv.ATTR_GEN_AI_OUTPUT_MESSAGES,
      SYSTEM_INSTRUCTIONS: semconv.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
      SERVER_ADDRESS: semconv.ATTR_SERVER_ADDRESS,
      SERVER_PORT: semconv.ATTR_SERVER_PORT,
      ERROR_TYPE: semconv.ATTR_ERROR_TYPE,
      HTTP_STATUS_CODE: semconv.ATTR_HTTP_RESPONSE_STATUS_CODE,
    };
    expect(GEN_AI).toEqual(published);
  });

  it('the GenAI client metrics and the operation/token values match the conventions package', () => {
    expect([METRICS.OPERATION_DURATION, METRICS.TOKEN_USAGE, METRICS.TIME_TO_FIRST_CHUNK, METRICS.TIME_PER_OUTPUT_CHUNK]).toEqual([
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
      semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
    ]);
    expect([semconv.GEN_AI_OPERATION_NAME_VALUE_CHAT, semconv.GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS]).toEqual(['chat', 'embeddings']);
    expect([semconv.GEN_AI_TOKEN_TYPE_VALUE_INPUT, semconv.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT]).toEqual(['input', 'output']);
  });

  it('maps the adapter kinds to the conventions\' provider names', () => {
    expect(['openai', 'anthropic', 'gemini', 'my-vendor'].map((kind) => defaultProviderName({ name: 'x', kind }))).toEqual([
      semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
      semconv.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
      'my-vendor',
    ]);
  });

  it('uses the bucket boundaries the conventions give (powers of two from 10 ms; powers of four tokens)', () => {
    expect(DURATION_BUCKETS).toEqual(Array.from({ length: 14 }, (_, i) => Math.round(0.01 * 2 ** i * 100) / 100));
    expect(TOKEN_BUCKETS).toEqual(Array.from({ length: 14 }, (_, i) => 4 ** i));
  });
});
