/**
 * `validateConfig`: turns a parsed file (or an object given in code) into a {@link GatewayConfig},
 * reporting every problem at once with the path of the offending field.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CONFIG_DEFAULTS } from './defaults.js';
import { ConfigValidationError, Issues, readBoolean, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';
import { readAuth } from './validate-auth.js';
import { readProviders, readRoutes } from './validate-upstreams.js';
import { readStore } from './validate-store.js';
import { readTelemetry } from './telemetry.js';
import { type GatewayConfig, type LogLevel, MID_STREAM_POLICIES } from './types.js';

const TOP_KEYS = ['server', 'auth', 'providers', 'routes', 'retry', 'circuitBreaker', 'timeouts', 'cache', 'rateLimit', 'budgets', 'pricing', 'fallback', 'store', 'responses', 'midStream', 'telemetry', 'status'] as const;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Options of {@link validateConfig}. */
export interface ValidateOptions {
  /** Directory relative paths (`apiKeyFile`, `pricing.catalog`) resolve against. @defaultValue `process.cwd()` */
  baseDir?: string;
  /** Name of the source for messages (`lifeline.yaml`). */
  source?: string;
}

/**
 * Validates a configuration and applies every default.
 *
 * @param input - the parsed file, or a `GatewayConfigInput` object
 * @param options - base directory and source name
 * @returns the configuration, with gateway keys hashed and `apiKeyFile`s read
 * @throws {@link ConfigValidationError} listing every problem (`providers.backup.kind: expected one of openai, anthropic, gemini, got "antropic"`)
 * @example
 * ```ts
 * const config = validateConfig({ providers: { main: { kind: 'openai', apiKey } }, routes: [{ model: '*', targets: ['main'] }] });
 * ```
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): GatewayConfig {
  const issues = new Issues();
  const baseDir = options.baseDir ?? process.cwd();
  const root = readObject(issues, '(root)', input, false) ?? {};
  rejectUnknownKeys(issues, '', root, TOP_KEYS);
  const server = readServer(issues, root.server);
  const auth = readAuth(issues, root.auth);
  const providers = readProviders(issues, root.providers, (file) => readFileSync(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8').trim(), (file) => path(file, baseDir)!);
  const declared = root.providers && typeof root.providers === 'object' ? Object.keys(root.providers) : [];
  const config: GatewayConfig = {
    server,
    auth,
    providers,
    routes: readRoutes(issues, root.routes, declared),
    midStream: readEnum(issues, 'midStream', root.midStream, MID_STREAM_POLICIES) ?? CONFIG_DEFAULTS.midStream,
    retry: section(issues, 'retry', root.retry, (o, p) => ({
      maxAttempts: num(issues, p, 'maxAttempts', o, CONFIG_DEFAULTS.retry.maxAttempts, { min: 1, max: 20, integer: true }),
      initialDelayMs: num(issues, p, 'initialDelayMs', o, CONFIG_DEFAULTS.retry.initialDelayMs, { min: 0 }),
      maxDelayMs: num(issues, p, 'maxDelayMs', o, CONFIG_DEFAULTS.retry.maxDelayMs, { min: 0 }),
      maxRetryAfterMs: num(issues, p, 'maxRetryAfterMs', o, CONFIG_DEFAULTS.retry.maxRetryAfterMs, { min: 0 }),
    })),
    circuitBreaker: section(issues, 'circuitBreaker', root.circuitBreaker, (o, p) => {
      const breakDurationMs = num(issues, p, 'breakDurationMs', o, CONFIG_DEFAULTS.circuitBreaker.breakDurationMs, { min: 1 });
      return {
        failureThreshold: num(issues, p, 'failureThreshold', o, CONFIG_DEFAULTS.circuitBreaker.failureThreshold, { min: 1, integer: true }),
        breakDurationMs,
        maxBreakDurationMs: num(issues, p, 'maxBreakDurationMs', o, breakDurationMs, { min: breakDurationMs }),
        halfOpenMaxProbes: num(issues, p, 'halfOpenMaxProbes', o, CONFIG_DEFAULTS.circuitBreaker.halfOpenMaxProbes, { min: 1, integer: true }),
      };
    }),
    timeouts: section(issues, 'timeouts', root.timeouts ?? {}, (o, p) => ({
      totalMs: num(issues, p, 'totalMs', o, CONFIG_DEFAULTS.timeouts.totalMs, { min: 1 }),
      attemptMs: num(issues, p, 'attemptMs', o, CONFIG_DEFAULTS.timeouts.attemptMs, { min: 1 }),
      firstTokenMs: num(issues, p, 'firstTokenMs', o, CONFIG_DEFAULTS.timeouts.firstTokenMs, { min: 1 }),
      idleMs: num(issues, p, 'idleMs', o, CONFIG_DEFAULTS.timeouts.idleMs, { min: 1 }),
    }), false) || { ...CONFIG_DEFAULTS.timeouts },
    cache: section(issues, 'cache', root.cache, (o, p) => ({
      ttlMs: num(issues, p, 'ttlMs', o, CONFIG_DEFAULTS.cache.ttlMs, { min: 0 }),
      staleIfErrorMs: num(issues, p, 'staleIfErrorMs', o, CONFIG_DEFAULTS.cache.staleIfErrorMs, { min: 0 }),
      maxBytes: num(issues, p, 'maxBytes', o, CONFIG_DEFAULTS.cache.maxBytes, { min: 1024, integer: true }),
    })),
    rateLimit: root.rateLimit === undefined ? false : section(issues, 'rateLimit', root.rateLimit, (o, p) => {
      const rpm = readNumber(issues, `${p}.rpm`, o.rpm, { min: 1 });
      const tpm = readNumber(issues, `${p}.tpm`, o.tpm, { min: 1 });
      if (o.rpm === undefined && o.tpm === undefined) issues.add(p, 'give rpm, tpm or both (or rateLimit: false)');
      return { rpm, tpm, maxQueue: num(issues, p, 'maxQueue', o, CONFIG_DEFAULTS.rateLimit.maxQueue, { min: 0, integer: true }), maxWaitMs: num(issues, p, 'maxWaitMs', o, CONFIG_DEFAULTS.rateLimit.maxWaitMs, { min: 0 }) };
    }),
    budgets: section(issues, 'budgets', root.budgets ?? {}, (o, p) => ({
      dailyUsd: readNumber(issues, `${p}.dailyUsd`, o.dailyUsd, { min: 0 }),
      monthlyUsd: readNumber(issues, `${p}.monthlyUsd`, o.monthlyUsd, { min: 0 }),
    }), false) || {},
    pricing: section(issues, 'pricing', root.pricing ?? {}, (o, p) => ({
      catalog: path(readString(issues, `${p}.catalog`, o.catalog, { optional: true }), baseDir),
      reference: path(readString(issues, `${p}.reference`, o.reference, { optional: true }), baseDir),
    }), false) || {},
    fallback: section(issues, 'fallback', root.fallback ?? {}, (o, p) => ({
      enabled: readBoolean(issues, `${p}.enabled`, o.enabled) ?? CONFIG_DEFAULTS.fallback.enabled,
      content: readString(issues, `${p}.content`, o.content, { optional: true }),
      onRateLimit: readBoolean(issues, `${p}.onRateLimit`, o.onRateLimit) ?? CONFIG_DEFAULTS.fallback.onRateLimit,
    }), false) || { ...CONFIG_DEFAULTS.fallback },
    store: readStore(issues, root.store),
    responses: section(issues, 'responses', root.responses, (o, p) => ({
      ttlMs: num(issues, p, 'ttlMs', o, CONFIG_DEFAULTS.responses.ttlMs, { min: 1, integer: true }),
      maxBytes: num(issues, p, 'maxBytes', o, CONFIG_DEFAULTS.responses.maxBytes, { min: 1024, integer: true }),
    })),
    status: section(issues, 'status', root.status, (o, p) => ({ enabled: readBoolean(issues, `${p}.enabled`, o.enabled) ?? CONFIG_DEFAULTS.status.enabled })) || { enabled: false },
  };
  if (config.cache && config.cache.ttlMs === 0 && config.cache.staleIfErrorMs === 0) {
    issues.add('cache', 'ttlMs 0 (no fresh hits) with staleIfErrorMs 0 keeps nothing: set ttlMs for fresh hits, staleIfErrorMs for stale answers, or cache: false');
  }
  const telemetry = readTelemetry(issues, root.telemetry);
  if (telemetry) config.telemetry = telemetry;
  if (issues.list.length > 0) throw new ConfigValidationError(issues.list, options.source);
  return config;
}

const SECTION_KEYS: Record<string, readonly string[]> = {
  retry: ['maxAttempts', 'initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs'],
  circuitBreaker: ['failureThreshold', 'breakDurationMs', 'maxBreakDurationMs', 'halfOpenMaxProbes'],
  timeouts: ['totalMs', 'attemptMs', 'firstTokenMs', 'idleMs'],
  cache: ['ttlMs', 'staleIfErrorMs', 'maxBytes'],
  rateLimit: ['rpm', 'tpm', 'maxQueue', 'maxWaitMs'],
  budgets: ['dailyUsd', 'monthlyUsd'],
  pricing: ['catalog', 'reference'],
  fallback: ['enabled', 'content', 'onRateLimit'],
  responses: ['ttlMs', 'maxBytes'],
  status: ['enabled'],
};

/** A section that may be `false` (disabled), absent (defaults) or a mapping. */
function section<T>(issues: Issues, name: string, raw: unknown, read: (o: Record<string, unknown>, path: string) => T, disableable = true): T | false {
  if (raw === false || raw === 'false') {
    if (disableable) return false;
    issues.add(name, 'cannot be disabled');
    return false;
  }
  const obj = readObject(issues, name, raw ?? {}) ?? {};
  rejectUnknownKeys(issues, name, obj, SECTION_KEYS[name] ?? []);
  return read(obj, name);
}

function num(issues: Issues, path: string, key: string, obj: Record<string, unknown>, fallback: number, rule: Parameters<typeof readNumber>[3]): number {
  return readNumber(issues, `${path}.${key}`, obj[key], rule) ?? fallback;
}

function path(file: string | undefined, baseDir: string): string | undefined {
  return file === undefined ? undefined : isAbsolute(file) ? file : resolve(baseDir, file);
}

function readServer(issues: Issues, raw: unknown): GatewayConfig['server'] {
  const d = CONFIG_DEFAULTS.server;
  const o = readObject(issues, 'server', raw) ?? {};
  rejectUnknownKeys(issues, 'server', o, ['host', 'port', 'bodyLimitBytes', 'logLevel', 'shutdownTimeoutMs', 'defaultModel', 'requestTimeoutMs', 'backlog']);
  return {
    host: readString(issues, 'server.host', o.host, { optional: true }) ?? d.host,
    port: readNumber(issues, 'server.port', o.port, { min: 0, max: 65535, integer: true }) ?? d.port,
    bodyLimitBytes: readNumber(issues, 'server.bodyLimitBytes', o.bodyLimitBytes, { min: 1024, integer: true }) ?? d.bodyLimitBytes,
    logLevel: readEnum(issues, 'server.logLevel', o.logLevel, LOG_LEVELS) ?? d.logLevel,
    shutdownTimeoutMs: readNumber(issues, 'server.shutdownTimeoutMs', o.shutdownTimeoutMs, { min: 0 }) ?? d.shutdownTimeoutMs,
    defaultModel: readString(issues, 'server.defaultModel', o.defaultModel, { optional: true }),
    requestTimeoutMs: readNumber(issues, 'server.requestTimeoutMs', o.requestTimeoutMs, { min: 0, max: 2_147_483_647, integer: true }) ?? d.requestTimeoutMs,
    backlog: readNumber(issues, 'server.backlog', o.backlog, { min: 1, max: 65535, integer: true }) ?? d.backlog,
  };
}
