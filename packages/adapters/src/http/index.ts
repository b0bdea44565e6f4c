/**
 * The vendor-neutral HTTP layer every adapter is built on: pooled keep-alive connections, sending
 * a pre-serialised body, bounded body reads, SSE, retry hints, rate-limit headers, and the mapping
 * of statuses, provider error bodies and socket failures to core's error classes.
 * @module
 */
export { HttpPool, HTTP_POOL_DEFAULTS, resolvePoolOptions, type HttpPoolOptions, type OriginStats } from './pool.js';
export {
  send,
  jsonBody,
  headerValue,
  requestIdFrom,
  REQUEST_ID_HEADERS,
  type SendRequest,
  type SendResponse,
  type ResponseBody,
  type ResponseHeaders,
} from './send.js';
export { readText, release, drain, socketReturned, MAX_BODY_BYTES, type ReadTextOptions } from './body.js';
export { transportError, errorCode, type TransportErrorContext } from './transport-error.js';
export { SseReader, type SseReaderOptions, type SseEventIterator, type EventSourceMessage, type Framer, type Framing } from './sse.js';
export { parseRetryAfter, type RetryAfterOptions } from './retry-after.js';
export { parseRateLimit } from './rate-limit-headers.js';
export { parseDuration, parseDate, parseResetAt } from './durations.js';
export { extractProviderError, parseErrorText, type ProviderErrorInfo } from './provider-error.js';
export { classifyError, httpError, type ClassifyInput, type HttpErrorInput, type ErrorSource } from './errors.js';
export { providerLabel } from './label.js';
export { exchange, readJson, MAX_ERROR_BYTES, type ExchangeInput } from './exchange.js';
