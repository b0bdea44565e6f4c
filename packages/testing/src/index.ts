/**
 * `@lifeline/testing`: a fault-injecting mock LLM provider. It is a real HTTP server on
 * 127.0.0.1 that speaks the OpenAI, Anthropic and Gemini wire formats and answers each request
 * with the step a script gives: a normal reply, a vendor error with its real body and headers,
 * a delay, a hang, a TCP reset, malformed JSON, or a stream that is cut, stalls or errors. The
 * OpenAI and Gemini flavours also serve embeddings (deterministic vectors per model and input,
 * `dimensions` honoured, base64 as the official SDKs decode it), with the same faults.
 *
 * For unit tests of middleware it also has a fake clock with timers (`fakeClock`) and an
 * in-process scripted adapter (`scriptedAdapter`); neither imports `@lifeline/core` at runtime.
 *
 * @module
 */
export { startMockProvider } from './server.js';
export { fakeClock, type FakeClock, type FakeClockOptions } from './fake-clock.js';
export { flush } from './flush.js';
export { mockEmbedding, float32Base64, DEFAULT_EMBEDDING_DIMENSIONS } from './embeddings.js';
export { scriptedAdapter, type RecordedCall, type ScriptedAdapter, type ScriptedAdapterOptions } from './scripted-adapter.js';
export type { AdapterScript, AdapterScriptFn, AdapterStep, AdapterStepSpec } from './scripted-step.js';
export type { AbortErrorFn, ScriptClock } from './scripted-wait.js';
export {
  chatChunk,
  chatResponse,
  defaultUsage,
  textChunks,
  usageChunk,
  type ChatResponseOptions,
  type TextChunksOptions,
} from './chat-fixtures.js';
export type {
  Clock,
  ErrorBody200Step,
  ErrorDetails,
  ErrorStep,
  ErrorStepOptions,
  FinishReason,
  Flavor,
  HangStep,
  MalformedJsonStep,
  MockProvider,
  MockProviderOptions,
  PresetName,
  PresetStep,
  RateLimitSpec,
  RawResponse,
  RawStep,
  RecordedRequest,
  ReplySpec,
  ReplyStep,
  ResetStep,
  ScheduleEntry,
  Script,
  ScriptFn,
  Step,
  StepBase,
  StreamFaults,
  ToolCallSpec,
  UsageSpec,
  WindowStep,
} from './types.js';
