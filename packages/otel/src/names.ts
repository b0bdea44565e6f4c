/**
 * Attribute and metric names: the OpenTelemetry GenAI semantic conventions (checked against
 * `@opentelemetry/semantic-conventions` in the tests) and Lifeline's own `lifeline.*` names.
 * @module
 */

/** GenAI, server and error attributes of the semantic conventions. */
export const GEN_AI = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_TOP_P: 'gen_ai.request.top_p',
  REQUEST_FREQUENCY_PENALTY: 'gen_ai.request.frequency_penalty',
  REQUEST_PRESENCE_PENALTY: 'gen_ai.request.presence_penalty',
  REQUEST_SEED: 'gen_ai.request.seed',
  REQUEST_STOP_SEQUENCES: 'gen_ai.request.stop_sequences',
  REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  REQUEST_STREAM: 'gen_ai.request.stream',
  REQUEST_ENCODING_FORMATS: 'gen_ai.request.encoding_formats',
  EMBEDDINGS_DIMENSION_COUNT: 'gen_ai.embeddings.dimension.count',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_ID: 'gen_ai.response.id',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  RESPONSE_TIME_TO_FIRST_CHUNK: 'gen_ai.response.time_to_first_chunk',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.usage.reasoning.output_tokens',
  TOKEN_TYPE: 'gen_ai.token.type',
  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  SYSTEM_INSTRUCTIONS: 'gen_ai.system_instructions',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  ERROR_TYPE: 'error.type',
  HTTP_STATUS_CODE: 'http.response.status_code',
} as const;

/** Lifeline's own attributes (call span, attempt spans, span events and metrics). */
export const LIFELINE = {
  /** Target that answered (call) or was called (attempt): `primary`, `backup:claude-sonnet-4.5`. */
  TARGET: 'lifeline.target',
  ATTEMPTS: 'lifeline.attempts',
  FAILOVERS: 'lifeline.failovers',
  HEDGES: 'lifeline.hedges',
  CACHE: 'lifeline.cache',
  DEGRADED: 'lifeline.degraded',
  DEGRADED_REASON: 'lifeline.degraded.reason',
  COST_USD: 'lifeline.cost.usd',
  SAVED_USD: 'lifeline.saved.usd',
  TENANT: 'lifeline.tenant',
  QUEUED_MS: 'lifeline.rate_limit.queued_ms',
  BUDGET_SCOPE: 'lifeline.budget.scope',
  BUDGET_REMAINING_USD: 'lifeline.budget.remaining_usd',
  ERROR_CODE: 'lifeline.error.code',
  ATTEMPT_NUMBER: 'lifeline.attempt.number',
  ATTEMPT_HEDGE: 'lifeline.attempt.hedge',
  ATTEMPT_ABORTED: 'lifeline.attempt.aborted',
  PROVIDER_REQUEST_ID: 'lifeline.provider.request_id',
  RETRY_DELAY_MS: 'lifeline.retry.delay_ms',
  RETRY_DELAY_SOURCE: 'lifeline.retry.delay_source',
  RETRY_AFTER_MS: 'lifeline.retry_after_ms',
  BREAKER_KEY: 'lifeline.breaker.key',
  BREAKER_STATE: 'lifeline.breaker.state',
  FAILOVER_FROM: 'lifeline.failover.from',
  FAILOVER_TO: 'lifeline.failover.to',
  MID_STREAM_POLICY: 'lifeline.mid_stream.policy',
  STREAM_STOPPED: 'lifeline.stream.stopped',
} as const;

/** Names of the span events on the call span. */
export const EVENTS = {
  FAILOVER: 'lifeline.failover',
  HEDGE: 'lifeline.hedge',
  MID_STREAM: 'lifeline.mid_stream',
  BREAKER_REJECTED: 'lifeline.breaker.rejected',
} as const;

/** Metric instruments. */
export const METRICS = {
  OPERATION_DURATION: 'gen_ai.client.operation.duration',
  TOKEN_USAGE: 'gen_ai.client.token.usage',
  TIME_TO_FIRST_CHUNK: 'gen_ai.client.operation.time_to_first_chunk',
  TIME_PER_OUTPUT_CHUNK: 'gen_ai.client.operation.time_per_output_chunk',
  COST: 'lifeline.cost',
  FAILOVERS: 'lifeline.failovers',
  BREAKER_STATE: 'lifeline.breaker.state',
} as const;

/** Bucket boundaries the conventions ask for: durations in seconds (10 ms … 81.92 s). */
export const DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** Bucket boundaries the conventions ask for: token counts (1 … 4^13). */
export const TOKEN_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Instrumentation scope name of every tracer and meter. */
export const SCOPE = '@lifeline/otel';
