/**
 * `@lifeline/otel`: OpenTelemetry GenAI traces and metrics for Lifeline — one span per call, one
 * child span per upstream attempt (retries, failovers, hedges), breaker refusals and failovers as
 * span events, and the conventions' client metrics plus cost, failovers and breaker state.
 * Depends only on `@opentelemetry/api`; the SDK is the application's choice.
 * @module
 */
export { otel } from './otel.js';
export { OTEL_DEFAULTS, defaultProviderName, type OtelOptions, type TargetIdentity } from './options.js';
export { errorType } from './attributes.js';
export { BREAKER_STATES } from './breaker-states.js';
export { DURATION_BUCKETS, EVENTS, GEN_AI, LIFELINE, METRICS, SCOPE, TOKEN_BUCKETS } from './names.js';
