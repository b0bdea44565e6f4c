/**
 * How the AI SDK's per-call `headers` and `providerOptions` travel through a Lifeline pipeline:
 * `createLifeline` puts them in `ctx.metadata`, `aiSdkAdapter` takes them out again.
 * @module
 */

/**
 * The key of `ctx.metadata` under which the AI SDK's per-call `headers` and `providerOptions`
 * (other than `lifeline`) travel through the pipeline. `aiSdkAdapter` forwards them to the AI SDK
 * model it wraps; Lifeline's own adapters send only their configured headers.
 */
export const AI_SDK_METADATA_KEY = 'aiSdk';

/** What travels in `ctx.metadata[AI_SDK_METADATA_KEY]`. */
export interface AiSdkCallMetadata {
  /** The AI SDK call's `headers` (undefined values dropped). */
  headers?: Record<string, string>;
  /** The AI SDK call's `providerOptions`, without the `lifeline` key. */
  providerOptions?: Record<string, Record<string, unknown>>;
}
