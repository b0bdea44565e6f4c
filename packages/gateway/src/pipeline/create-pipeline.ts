/**
 * `createPipeline`: a {@link GatewayPipeline} over clients you built yourself.
 * @module
 */
import type { LifelineClient } from '@lifeline/core';
import { createRouter, routableModels } from './router.js';
import type { GatewayPipeline, GatewayRoute } from './types.js';

/** One route of {@link createPipeline}. */
export interface ClientRoute {
  /** Glob on the requested model. */
  model: string;
  client: LifelineClient;
  /** Target names, for `/api/health`. @defaultValue [] */
  targets?: readonly string[];
}

/** Options of {@link createPipeline}: the routes, plus any optional part of {@link GatewayPipeline}. */
export type CreatePipelineOptions = { routes: readonly ClientRoute[]; models?: readonly string[] } & Partial<Omit<GatewayPipeline, 'route' | 'models'>>;

/**
 * Wraps your own clients as a pipeline for `createGateway({ pipeline })`.
 *
 * @param options - routes (first match wins), and optional health, cache, cost and close hooks
 * @returns the pipeline
 * @example
 * ```ts
 * const client = createClient({ adapter: openai({ baseURL, apiKey }), use: [retry()] });
 * const gateway = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }], models: ['gpt-4.1'] }) });
 * ```
 */
export function createPipeline(options: CreatePipelineOptions): GatewayPipeline {
  const { routes, models, ...rest } = options;
  const entries: GatewayRoute[] = routes.map((r) => ({ pattern: r.model, targets: r.targets ?? [], client: r.client }));
  const find = createRouter(entries);
  const listed = routableModels(entries.map((e) => e.pattern), models ?? []);
  return {
    ...rest,
    route: find,
    models: () => listed,
    close: rest.close ?? (() => Promise.resolve()),
  };
}
