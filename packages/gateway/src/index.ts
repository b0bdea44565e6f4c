/**
 * `@lifeline/gateway`: an OpenAI-compatible HTTP server that puts Lifeline's failover, retry,
 * circuit breaking, caching and cost metering in front of any LLM provider — any service, in any
 * language, gets them by changing a base URL. Also the `lifeline` CLI.
 * @module
 */
export type * from './config/types.js';
export { PROVIDER_KINDS } from './config/types.js';
export { CONFIG_DEFAULTS, DEFAULT_BASE_URLS } from './config/defaults.js';
export { ConfigValidationError } from './config/check.js';
export { validateConfig, type ValidateOptions } from './config/validate.js';
export { parseConfig, loadConfig, type LoadOptions } from './config/load.js';
export { hashKey, MIN_KEY_LENGTH } from './config/validate-auth.js';
export type * from './pipeline/types.js';
export { createPipeline, type ClientRoute, type CreatePipelineOptions } from './pipeline/create-pipeline.js';
export { globToRegExp, createRouter, routableModels } from './pipeline/router.js';
export { memoryResponseStore, RESPONSE_STORE_DEFAULTS, type ResponseStore, type ResponseStoreOptions } from './pipeline/response-store.js';
export { redisResponseStore } from './pipeline/response-store-redis.js';
export { createGateway, type Gateway, type GatewayInput, type PipelineGatewayOptions, type GatewayRuntimeOptions } from './server/create-gateway.js';
export { HttpError, toErrorResponse, allRateLimited, type OpenAIErrorBody, type ErrorResponse } from './server/errors.js';
export { summarize, metaHeaders, type LifelineSummary } from './server/meta.js';
export { headerValue, safeHeaders, MAX_HEADER_VALUE_LENGTH } from './server/header-value.js';
export { scrubSecrets } from './server/scrub.js';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './server/json-depth.js';
export type { ProviderHealth } from './server/stats.js';
export type { ApiHealth } from './server/routes/info.js';
export type { StatusState, StatusSummary, TargetStatus, TimelineEvent, TimelineKind } from './server/routes/status/index.js';
export type { RecentError, RecentFigures } from './server/recent-window.js';
export type { ApiChatResponse } from './server/routes/chat.js';
export { buildPipeline, type BuildPipelineOptions } from './pipeline/from-config.js';
export { loadPricing, compareCost, readCatalogFile, type GatewayPricing } from './pipeline/pricing.js';
export { startDemo, type Demo, type DemoOptions } from './demo/start-demo.js';
export { SEED_RELAY_PRICES, seedRelayCatalog } from './demo/relay-catalog.js';
export { runCli, USAGE } from './cli/main.js';
export { tuneHeapForServing } from './server/heap-tuning.js';
export type { CliIO } from './cli/commands.js';
