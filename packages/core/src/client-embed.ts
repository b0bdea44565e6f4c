/**
 * `client.embed()`: an embedding call through the client's pipeline.
 * @module
 */
import type { CallOptions } from './client.js';
import type { Clock } from './clock.js';
import type { Context } from './context.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding-types.js';
import { ConfigurationError } from './errors.js';
import { publish } from './events.js';
import type { Meta } from './meta.js';
import { embeddingUsageAsUsage } from './terminal-embed.js';

/** What `embed` resolves to. */
export interface EmbeddingResult {
  response: EmbeddingResponse;
  meta: Meta;
}

/** What {@link embedCall} needs from the client. */
export interface EmbedCallDeps {
  /** Validates the request and opens the call's context (deadline timer included). */
  open(request: EmbeddingRequest, call: CallOptions): { ctx: Context; cleanup: () => void };
  /** Runs the pipeline on `ctx`. */
  run(ctx: Context, call: CallOptions): Promise<void>;
  /** The error the caller gets (meta attached, abort reason preferred). */
  failure(ctx: Context, err: unknown): unknown;
  clock: Clock;
}

/**
 * Builds the client's `embed` method.
 * @internal
 */
export function embedCall(deps: EmbedCallDeps): (request: EmbeddingRequest, call?: CallOptions) => Promise<EmbeddingResult> {
  const { open, run, failure, clock } = deps;
  return async function embed(request, call = {}) {
    const { ctx, cleanup } = open(request, call);
    const startedAt = clock.now();
    try {
      await run(ctx, call);
      const response = ctx.embeddingResponse;
      if (!response) {
        throw new ConfigurationError('The pipeline finished without an embedding response: a middleware returned without calling next() or setting ctx.embeddingResponse');
      }
      const meta = ctx.meta;
      meta.latencyMs = clock.now() - startedAt;
      meta.attempts = meta.attemptLog.length;
      if (meta.usage === undefined && response.usage) meta.usage = embeddingUsageAsUsage(response.usage);
      if (meta.model === undefined) meta.model = response.model || request.model;
      publish('lifeline:request', () => ({ phase: 'end', ctx }));
      return { response, meta };
    } catch (err) {
      throw failure(ctx, err);
    } finally {
      cleanup();
    }
  };
}
