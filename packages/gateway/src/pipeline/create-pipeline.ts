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
  /** Target names, for `/api/health` and the status page. @defaultValue [] */
  targets?: readonly string[];
  /** How the client picks targets (the status page counts a later target answering as a failover only for `ordered`). @defaultValue 'ordered' */
  strategy?: 'ordered' | 'weighted' | 'least-latency';
}

/** Options of {@link createPipeline}: the routes, plus any optional part of {@link GatewayPipeline}. */
export type CreatePipelineOptions = { routes: readonly ClientRoute[]; models?: readonly string[] } & Partial<Omit<GatewayPipeline, 'route' | 'routes' | 'models'>>;

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
  const entries: GatewayRoute[] = routes.map((r) => ({ pattern: r.model, targets: r.targets ?? [], client: r.client, ...(r.strategy && { strategy: r.strategy }) }));
  const find = createRouter(entries);
  const listed = routableModels(entries.map((e) => e.pattern), models ?? []);
  return {
    ...rest,
    route: find,
    routes: () => entries,
    models: () => listed,
    close: rest.close ?? (() => Promise.resolve()),
  };
}
