/**
 * `lifeline demo`: mock providers in-process, the gateway in front of them, and a short live run
 * that shows failover, the circuit breaker, the cache and costs as they happen.
 * @module
 */
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { pino } from 'pino';
import type { GatewayConfigInput, LogLevel } from '../config/types.js';
import { createGateway, type Gateway } from '../server/create-gateway.js';
import { driveDemo, DEMO_MODEL, TRY_MODEL } from './drive.js';
import { startTraffic, type DemoTraffic } from './traffic.js';
import { seedRelayCatalog } from './relay-catalog.js';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Gateway port; when taken, a free one is used (and the output says so). @defaultValue 8787 */
  port?: number;
  /** Run the live demo after startup. @defaultValue true */
  drive?: boolean;
  /** Where lines go. @defaultValue `process.stdout` */
  out?: (line: string) => void;
  /** Gateway log level (pino). @defaultValue 'warn' */
  logLevel?: LogLevel;
  /** End the live demo with "Now serving until Ctrl-C". @defaultValue true */
  announceServing?: boolean;
  /**
   * After the live demo, keep a request a second going while the relay flaps (down 10 s every
   * 30 s), so that the status page shows its breaker open and close. @defaultValue false
   */
  traffic?: boolean;
}

/** A running demo. */
export interface Demo {
  /** The gateway's base URL (`http://127.0.0.1:8787`). */
  url: string;
  /** The live status page (`http://127.0.0.1:8787/status`). */
  statusUrl: string;
  /** A curl command that asks the gateway a question. */
  curl: string;
  gateway: Gateway;
  /** The mock providers: a flapping relay, a healthy backup relay, an Anthropic-flavoured tier. */
  providers: { relay: MockProvider; backup: MockProvider; claude: MockProvider };
  /** The live demo's progress lines, once it has run (`[]` without `drive`). */
  driven: Promise<string[]>;
  /** Stops the gateway (gracefully) and the mock providers. */
  close(): Promise<void>;
}

const UPSTREAM_KEY = 'demo-upstream-key';

/**
 * Starts the demo.
 *
 * @param options - port, drive, output
 * @returns handles to the gateway, the mocks and the live run
 * @example
 * ```ts
 * const demo = await startDemo({ port: 0 });
 * console.log(await demo.driven);
 * await demo.close();
 * ```
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const mock = (flavor: 'openai' | 'anthropic', text: string) => startMockProvider({ flavor, text, apiKey: UPSTREAM_KEY, latencyMs: 15, chunkSize: 3 });
  const [relay, backup, claude] = await Promise.all([
    mock('openai', 'Answer from the relay (primary, OpenAI-compatible).'),
    mock('openai', 'Answer from the backup relay.'),
    mock('anthropic', 'Answer from Claude, the Anthropic tier.'),
  ]);
  const providers = { relay, backup, claude };
  const config: GatewayConfigInput = {
    server: { host: options.host ?? '127.0.0.1', port: options.port ?? 8787, shutdownTimeoutMs: 2_000 },
    providers: {
      relay: { kind: 'openai', baseURL: relay.url, apiKey: UPSTREAM_KEY, models: [DEMO_MODEL, TRY_MODEL] },
      backup: { kind: 'openai', baseURL: backup.url, apiKey: UPSTREAM_KEY },
      claude: { kind: 'anthropic', baseURL: claude.url, apiKey: UPSTREAM_KEY, models: ['claude-sonnet-4.5'] },
    },
    routes: [{ model: '*', targets: ['relay', 'backup', { provider: 'claude', model: 'claude-sonnet-4.5' }] }],
    retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 100 },
    circuitBreaker: { failureThreshold: 2, breakDurationMs: 5_000 },
    timeouts: { totalMs: 10_000, attemptMs: 3_000, firstTokenMs: 3_000, idleMs: 3_000 },
    cache: { ttlMs: 600_000, staleIfErrorMs: 86_400_000 },
  };
  // Log lines wait until the banner is out, so the URL and the curl line come first.
  let early: string[] | undefined = [];
  const log = (line: string) => (early ? early.push(line) : out(line));
  const logger = pino({ level: options.logLevel ?? 'warn' }, { write: (line: string) => log(`  [${levelOf(line)}] ${messageOf(line)}`) });
  let gateway: Gateway;
  try {
    gateway = createGateway(config, { logger, pipeline: { pricing: { catalogs: { relay: seedRelayCatalog() } } } });
  } catch (err) {
    await Promise.all([relay.close(), backup.close(), claude.close()]);
    throw err;
  }
  const wanted = config.server!.port!;
  const url = await gateway.listen({ fallbackToFreePort: true }).catch(async (err: unknown) => {
    await Promise.all([gateway.close(), relay.close(), backup.close(), claude.close()]);
    throw err;
  });
  const curl = `curl -s ${url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"${TRY_MODEL}","messages":[{"role":"user","content":"Hello"}]}'`;
  const statusUrl = `${url}/status`;
  out(`Lifeline demo: watch it live at ${statusUrl} (open it in a browser)`);
  out(`  an OpenAI-compatible gateway on ${url} (no API key needed)`);
  if (wanted !== 0 && !url.endsWith(`:${wanted}`)) out(`  (port ${wanted} is taken, so a free port was used)`);
  out('  upstreams (mock servers on loopback): relay (OpenAI-compatible, flaps) → backup relay → claude (Anthropic)');
  out(`  try it: ${curl}`);
  for (const line of early) out(line);
  early = undefined;
  let closed = false;
  const serving = options.traffic
    ? `  Now serving until Ctrl-C. The relay keeps flapping (down 10 s every 30 s, a request a second): watch its breaker open and close at ${statusUrl}. Also /api/health, /metrics, /api/cost/${DEMO_MODEL}`
    : `  Now serving until Ctrl-C. See ${statusUrl}, /api/health, /metrics, /api/cost/${DEMO_MODEL}`;
  const driven = options.drive === false ? Promise.resolve([]) : driveDemo({ url, gateway, providers, out, isClosed: () => closed, serving: options.announceServing === false ? undefined : serving });
  let traffic: DemoTraffic | undefined;
  if (options.traffic) {
    void driven.then(() => {
      if (!closed) traffic = startTraffic({ url, relay });
    });
  }
  return {
    url,
    statusUrl,
    curl,
    gateway,
    providers,
    driven,
    async close() {
      closed = true;
      await driven.catch(() => {});
      await traffic?.stop();
      await gateway.close();
      await Promise.all([relay.close(), backup.close(), claude.close()]);
    },
  };
}

function levelOf(line: string): string {
  try {
    const level = (JSON.parse(line) as { level?: number }).level ?? 30;
    return level >= 50 ? 'error' : level >= 40 ? 'warn' : 'info';
  } catch {
    return 'log';
  }
}

function messageOf(line: string): string {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg ?? line.trim());
  } catch {
    return line.trim();
  }
}
