/**
 * The `lifeline` commands: `serve`, `demo`, `check`, `prices`.
 * @module
 */
import { defaultCatalog, formatSavingsTable, savingsReport } from '@lifeline/pricing';
import { loadConfig } from '../config/load.js';
import type { GatewayConfig, LogLevel } from '../config/types.js';
import { startDemo } from '../demo/start-demo.js';
import { seedRelayCatalog } from '../demo/relay-catalog.js';
import { loadPricing, readCatalogFile } from '../pipeline/pricing.js';
import { createGateway, type Gateway } from '../server/create-gateway.js';

/** Where a command writes, and how it waits for a stop signal. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves on the first SIGINT/SIGTERM. @defaultValue process signals */
  untilSignal(): Promise<string>;
}

/** `lifeline serve`. Resolves with the exit code once stopped by a signal. */
export async function serve(io: CliIO, opts: { config: string; host?: string; port?: number; logLevel?: LogLevel }): Promise<number> {
  const config = await loadConfig(opts.config, { env: io.env });
  const gateway = createGateway(config, opts.logLevel ? { logLevel: opts.logLevel } : {});
  const url = await gateway.listen({ ...(opts.host !== undefined && { host: opts.host }), ...(opts.port !== undefined && { port: opts.port }) });
  io.out(`lifeline: serving ${opts.config} on ${url} (${describeConfig(config)})`);
  return stopOnSignal(io, gateway);
}

/** `lifeline demo`. */
export async function demo(io: CliIO, opts: { port?: number; host?: string; drive: boolean; once: boolean }): Promise<number> {
  const d = await startDemo({ out: io.out, drive: opts.drive, announceServing: !opts.once, traffic: opts.drive && !opts.once, ...(opts.port !== undefined && { port: opts.port }), ...(opts.host !== undefined && { host: opts.host }) });
  if (opts.once) {
    await d.driven;
    await d.close();
    return 0;
  }
  const signal = await io.untilSignal();
  io.out(`  ${signal}: stopping…`);
  await d.close();
  return 0;
}

/** `lifeline check`. */
export async function check(io: CliIO, opts: { config: string }): Promise<number> {
  const config = await loadConfig(opts.config, { env: io.env });
  loadPricing(config);
  io.out(`${opts.config} is valid: ${describeConfig(config)}`);
  for (const [name, p] of Object.entries(config.providers)) {
    const keys = (p.apiKeys?.length ?? 0) > 1 ? ` (${p.apiKeys!.length} keys: a key pool)` : p.apiKey ? ' (key set)' : ' (no key)';
    io.out(`  provider ${name}: ${p.kind} ${p.baseURL}${keys}`);
  }
  for (const r of config.routes) io.out(`  route ${JSON.stringify(r.model)} → ${r.targets.map((t) => (t.model ? `${t.provider}:${t.model}` : t.provider)).join(' → ')}`);
  return 0;
}

/** `lifeline prices`. */
export function prices(io: CliIO, opts: { catalog?: string; reference?: string; monthlyInput?: number; monthlyOutput?: number }): number {
  const catalog = opts.catalog ? readCatalogFile(opts.catalog, '--catalog') : seedRelayCatalog();
  const reference = opts.reference ? readCatalogFile(opts.reference, '--reference') : defaultCatalog;
  const report = savingsReport(catalog, reference, {
    ...(opts.monthlyInput !== undefined && { monthlyInputTokens: opts.monthlyInput }),
    ...(opts.monthlyOutput !== undefined && { monthlyOutputTokens: opts.monthlyOutput }),
  });
  if (!opts.catalog) io.out('Catalog: the seed tutorial\'s relay price list (vendor-claimed; pass --catalog <file> for yours)\n');
  io.out(formatSavingsTable(report));
  return 0;
}

function describeConfig(config: GatewayConfig): string {
  const parts = [
    `${Object.keys(config.providers).length} provider${Object.keys(config.providers).length === 1 ? '' : 's'}`,
    `${config.routes.length} route${config.routes.length === 1 ? '' : 's'}`,
    config.auth.keys.length === 0 ? 'auth OFF (no auth.keys)' : `${config.auth.keys.length} gateway key${config.auth.keys.length === 1 ? '' : 's'}`,
    config.cache === false ? 'no cache' : 'cache on',
    config.circuitBreaker === false ? 'no breaker' : 'breaker on',
    ...(config.telemetry ? [`telemetry → ${config.telemetry.otlp.endpoint} (OTLP ${config.telemetry.otlp.protocol})`] : []),
  ];
  return parts.join(', ');
}

async function stopOnSignal(io: CliIO, gateway: Gateway): Promise<number> {
  const signal = await io.untilSignal();
  io.out(`lifeline: ${signal} received, finishing in-flight requests…`);
  await gateway.close();
  io.out('lifeline: stopped');
  return 0;
}
