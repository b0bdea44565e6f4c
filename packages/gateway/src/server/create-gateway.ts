/**
 * `createGateway`: the embeddable server — from a config, or from a pipeline you built.
 * @module
 */
import type { AddressInfo } from 'node:net';
import { AbortError } from '@lifeline/core';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { GatewayConfig, GatewayConfigInput, GatewayKeyInput, LogLevel, ServerConfig } from '../config/types.js';
import { CONFIG_DEFAULTS } from '../config/defaults.js';
import { validateConfig } from '../config/validate.js';
import { readAuth } from '../config/validate-auth.js';
import { ConfigValidationError, Issues } from '../config/check.js';
import { buildPipeline, type BuildPipelineOptions } from '../pipeline/from-config.js';
import { memoryResponseStore } from '../pipeline/response-store.js';
import type { GatewayPipeline } from '../pipeline/types.js';
import { buildApp } from './app.js';
import { createAuthenticator } from './auth.js';
import { operatorKeyWarning } from './operator-auth.js';
import type { RequestState, ServerContext } from './context.js';
import { createMetrics } from './metrics.js';
import { toRequestLogger } from './request-log.js';
import { ProviderStats } from './stats.js';
import { StatusFeed } from './routes/status/index.js';
import { awaitStore, logStore, watchStore } from './store-log.js';
import { logKeyChanges } from './key-log.js';

/** `createGateway({ pipeline })`: serve your own pipeline. */
export interface PipelineGatewayOptions {
  pipeline: GatewayPipeline;
  /** Host, port, body limit, log level, shutdown deadline, default model. */
  server?: Partial<ServerConfig>;
  /** Gateway keys (plaintext or `{ sha256 }`); none = auth off. */
  auth?: { keys?: GatewayKeyInput[] };
  /** Overall deadline of each call, in ms. @defaultValue 60000 */
  requestTimeoutMs?: number;
  /** The live status page (`GET /status`). @defaultValue `{ enabled: true }` */
  status?: { enabled?: boolean };
}

/** Runtime options of {@link createGateway}. */
export interface GatewayRuntimeOptions {
  /** A pino-compatible logger to use instead of the built-in one. */
  logger?: FastifyBaseLogger;
  /** Overrides `server.logLevel`. */
  logLevel?: LogLevel;
  /** With a config: adapters, catalogs or a clock for `buildPipeline`. */
  pipeline?: BuildPipelineOptions;
}

/** A gateway: the Fastify app plus its lifecycle. */
export interface Gateway {
  /** The Fastify instance (inject requests in tests with `app.inject`). */
  readonly app: FastifyInstance;
  /** The pipeline answering requests. */
  readonly pipeline: GatewayPipeline;
  /** `http://host:port` once listening, else `undefined`. */
  readonly url: string | undefined;
  /** The resolved config, when created from one. */
  readonly config: GatewayConfig | undefined;
  /** True when no gateway key is configured (every request is accepted). */
  readonly authDisabled: boolean;
  /**
   * Starts listening. `port: 0` picks a free port; `fallbackToFreePort` retries on a free port
   * when the asked one is taken. With a Redis state store, first waits (up to its connect
   * timeout, 2 s) for Redis, and serves anyway when it is not there. Resolves with the URL.
   */
  listen(options?: { host?: string; port?: number; fallbackToFreePort?: boolean }): Promise<string>;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests and streams finish within
   * `server.shutdownTimeoutMs`, abort what is left, then close the pipeline's pools (and its
   * Redis connection, after flushing budget settlements). Idempotent.
   */
  close(): Promise<void>;
}

/** Anything {@link createGateway} accepts. */
export type GatewayInput = GatewayConfigInput | GatewayConfig | PipelineGatewayOptions;

/**
 * Creates the gateway server (not listening yet).
 *
 * @param input - a config (validated here; see `lifeline.example.yaml`), or `{ pipeline }`
 * @param runtime - logger overrides
 * @returns the gateway
 * @throws {@link ConfigValidationError} when the config is invalid
 * @example
 * ```ts
 * const gateway = createGateway({
 *   providers: { main: { kind: 'openai', baseURL: 'https://api.deepseek.com/v1', apiKey: process.env.DEEPSEEK_KEY } },
 *   routes: [{ model: '*', targets: ['main'] }],
 * });
 * const url = await gateway.listen({ port: 8787 });
 * // …later
 * await gateway.close();
 * ```
 */
export function createGateway(input: GatewayInput, runtime: GatewayRuntimeOptions = {}): Gateway {
  let config: GatewayConfig | undefined;
  let pipeline: GatewayPipeline;
  let server: ServerConfig;
  let keys: GatewayConfig['auth']['keys'];
  let requestTimeoutMs: number;
  let statusEnabled: boolean;
  if ('pipeline' in input && input.pipeline) {
    const opts = input as PipelineGatewayOptions;
    pipeline = opts.pipeline;
    const issues = new Issues();
    server = { ...CONFIG_DEFAULTS.server, ...opts.server };
    keys = readAuth(issues, opts.auth ?? {}).keys;
    if (issues.list.length > 0) throw new ConfigValidationError(issues.list);
    requestTimeoutMs = opts.requestTimeoutMs ?? CONFIG_DEFAULTS.timeouts.totalMs;
    statusEnabled = opts.status?.enabled ?? CONFIG_DEFAULTS.status.enabled;
  } else {
    config = validateConfig(input);
    pipeline = buildPipeline(config, runtime.pipeline);
    server = config.server;
    keys = config.auth.keys;
    requestTimeoutMs = config.timeouts.totalMs;
    statusEnabled = config.status.enabled;
  }

  const inflight = new Set<RequestState>();
  const startedAt = Date.now();
  const ctx: ServerContext = {
    pipeline,
    authenticate: createAuthenticator(keys),
    metrics: createMetrics(pipeline, () => inflight.size),
    stats: new ProviderStats(() => pipeline.secrets?.() ?? [], startedAt),
    requestTimeoutMs,
    defaultModel: server.defaultModel,
    bodyLimitBytes: server.bodyLimitBytes,
    responses: pipeline.responseStore ? pipeline.responseStore() : memoryResponseStore(),
    receiveTimeoutMs: server.requestTimeoutMs,
    secrets: () => pipeline.secrets?.() ?? [],
    state: { listening: false, draining: false, startedAt },
    requestLog: toRequestLogger,
    requests: new WeakMap(),
    inflight,
  };
  if (statusEnabled) ctx.status = new StatusFeed(ctx, { authOff: keys.length === 0 });
  for (const p of pipeline.providers?.() ?? []) ctx.stats.declare(p.name);
  const app = buildApp(ctx, runtime.logger ? { instance: runtime.logger } : { level: runtime.logLevel ?? server.logLevel });
  if (keys.length === 0) app.log.warn('auth is off: no gateway keys configured (auth.keys), every request is accepted');
  const noOperator = operatorKeyWarning(keys);
  if (noOperator) app.log.warn(noOperator);
  logStore(pipeline, app.log);
  const unlogKeys = logKeyChanges(pipeline, app.log);
  let unwatch: (() => void) | undefined;

  let url: string | undefined;
  let closing: Promise<void> | undefined;

  async function listen(options: { host?: string; port?: number; fallbackToFreePort?: boolean } = {}): Promise<string> {
    const host = options.host ?? server.host;
    const port = options.port ?? server.port;
    await awaitStore(pipeline, app.log);
    try {
      await app.listen({ host, port, backlog: server.backlog });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.fallbackToFreePort || port === 0) throw err;
      await app.listen({ host, port: 0, backlog: server.backlog });
    }
    const address = app.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    url = `http://${shownHost}:${address.port}`;
    ctx.state.listening = true;
    unwatch ??= watchStore(pipeline, app.log);
    return url;
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      ctx.state.draining = true;
      unwatch?.();
      unlogKeys();
      const deadline = setTimeout(() => {
        for (const s of inflight) s.controller.abort(new AbortError('The gateway is shutting down'));
        setImmediate(() => app.server.closeAllConnections());
      }, server.shutdownTimeoutMs);
      deadline.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
        ctx.state.listening = false;
        await pipeline.close();
      }
    })();
    return closing;
  }

  return {
    app,
    pipeline,
    get url() {
      return url;
    },
    config,
    authDisabled: keys.length === 0,
    listen,
    close,
  };
}
