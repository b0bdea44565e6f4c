/**
 * The chaos soak: N requests (JSON and streams, some repeated so the cache serves hits and stale
 * answers) through the real gateway in a child process, in front of three mock targets that
 * inject a seeded random mix of every fault. Checks every answer, retry amplification, the
 * gateway's heap before and after, unhandled rejections, and that it exits by itself after close().
 * @module
 */
import { DEFAULT_FALLBACK_CONTENT } from '@lifeline/core';
import { Agent } from 'undici';
import { VIOLATIONS, type Outcome } from './classify.ts';
import { send, type ChaosRequest } from './client.ts';
import { startGatewayProcess, type GatewayExit } from './gateway-process.ts';
import { prng } from './seed.ts';
import { startTargets, UPSTREAM_KEY } from './targets.ts';
import { expectedText, nonceOf } from './text.ts';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** Requests to send. @defaultValue 1000 */
  requests?: number;
  /** Requests in flight. @defaultValue 16 */
  concurrency?: number;
  /** Seed of every random choice. @defaultValue 1 */
  seed?: number;
  /** Share of upstream attempts that get a fault. @defaultValue 0.2 */
  faultRate?: number;
  /** Share of requests that repeat an earlier one (cache hits, stale answers). @defaultValue 0.15 */
  repeatRate?: number;
  /** Share of requests that stream. @defaultValue 0.5 */
  streamRate?: number;
  /** Progress lines. @defaultValue none */
  log?: (line: string) => void;
}

/** What {@link runChaos} found. */
export interface ChaosReport {
  seed: number;
  requests: number;
  outcomes: Record<Outcome, number>;
  /** The first few violations, with details. */
  violations: Array<{ request: number; outcome: Outcome; detail?: string }>;
  upstreamAttempts: number;
  /** Upstream attempts per request. */
  amplification: number;
  faults: Record<string, number>;
  heapBefore: number;
  heapAfter: number;
  exit: GatewayExit;
  /** Unhandled rejections in this (the driving) process. */
  localUnhandled: number;
  seconds: number;
}

/** Gateway settings of the run: the default stack with timeouts short enough for a test. */
export const CHAOS_TIMEOUTS = { totalMs: 4_000, attemptMs: 1_200, firstTokenMs: 800, idleMs: 400 };
/** Client-side deadline: the gateway's overall deadline, its fallback grace, and a margin. */
export const CLIENT_DEADLINE_MS = CHAOS_TIMEOUTS.totalMs + 2_500;

/**
 * Runs the chaos soak.
 *
 * @example
 * ```ts
 * const report = await runChaos({ requests: 1000, seed: 42 });
 * console.log(report.outcomes, report.amplification);
 * ```
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const { requests = 1000, concurrency = 16, seed = 1, faultRate = 0.2, repeatRate = 0.15, streamRate = 0.5, log = () => {} } = options;
  const t0 = performance.now();
  let localUnhandled = 0;
  const onUnhandled = () => void localUnhandled++;
  process.on('unhandledRejection', onUnhandled);
  const rand = prng(seed);
  // Requests 40–60 %: alpha and beta nearly down (breakers open, failover to gamma, degraded answers).
  const storm = { from: Math.floor(requests * 0.4), until: Math.floor(requests * 0.6), rate: 0.9, targets: ['alpha', 'beta'] };
  const upstream = await startTargets(prng(seed ^ 0x5eed), faultRate, storm);
  const [alpha, beta, gamma] = upstream.targets;
  const gateway = await startGatewayProcess({
    server: { logLevel: 'error', shutdownTimeoutMs: 2_000 },
    providers: {
      alpha: { kind: 'openai', baseURL: alpha!.mock.url, apiKey: UPSTREAM_KEY },
      beta: { kind: 'anthropic', baseURL: beta!.mock.url, apiKey: UPSTREAM_KEY },
      gamma: { kind: 'gemini', baseURL: gamma!.mock.url, apiKey: UPSTREAM_KEY },
    },
    routes: [{ model: '*', targets: ['alpha', { provider: 'beta', model: 'claude-chaos' }, { provider: 'gamma', model: 'gemini-chaos' }] }],
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 300 },
    circuitBreaker: { failureThreshold: 5, breakDurationMs: 500 },
    timeouts: CHAOS_TIMEOUTS,
    cache: { ttlMs: 60_000, staleIfErrorMs: 600_000, maxBytes: 256 * 1024 },
  });
  const agent = new Agent({ connections: concurrency * 2, keepAliveTimeout: 10_000 });
  const url = `${gateway.url}/v1/chat/completions`;
  const outcomes = Object.fromEntries(['complete', 'degraded', 'refused', 'error', ...VIOLATIONS].map((k) => [k, 0])) as Record<Outcome, number>;
  const violations: ChaosReport['violations'] = [];
  const sent: ChaosRequest[] = [];
  const numbers: number[] = [];

  const plan = (i: number): { req: ChaosRequest; n: number } => {
    if (i > 0 && rand() < repeatRate) {
      const j = Math.floor(rand() * i);
      return { req: sent[j]!, n: numbers[j]! };
    }
    const stream = rand() < streamRate;
    const body: Record<string, unknown> = { model: 'chaos-model', messages: [{ role: 'user', content: `Please answer request ${nonceOf(i)}.` }] };
    if (stream) body.stream = true;
    if (stream && rand() < 0.3) body.stream_options = { include_usage: true };
    return { req: { body, stream }, n: i };
  };
  const warm = Math.max(1, Math.floor(requests * 0.2));
  let heapBefore = 0;
  let next = 0;
  let finished = 0;
  const runOne = async (i: number) => {
    const { req, n } = plan(i);
    sent[i] = req;
    numbers[i] = n;
    const texts = ['alpha', 'beta', 'gamma'].map((t) => expectedText(n, t));
    const verdict = await send(agent, url, req, { texts, degradedText: DEFAULT_FALLBACK_CONTENT }, CLIENT_DEADLINE_MS);
    outcomes[verdict.outcome]++;
    if ((VIOLATIONS as readonly string[]).includes(verdict.outcome) && violations.length < 20) {
      violations.push({ request: i, outcome: verdict.outcome, ...(verdict.detail && { detail: verdict.detail }) });
    }
    if (++finished % 500 === 0) log(`chaos: ${finished}/${requests} requests`);
  };
  // `concurrency` workers take request numbers in order until `until`.
  const phase = (until: number) =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < until) await runOne(next++);
      }),
    );
  try {
    // Warm-up share first (the cache fills to its byte bound), then the heap baseline, then the rest.
    await phase(warm);
    heapBefore = await gateway.heapUsed();
    await phase(requests);
    const heapAfter = await gateway.heapUsed();
    await agent.close();
    const exit = await gateway.close();
    const report: ChaosReport = {
      seed,
      requests,
      outcomes,
      violations,
      upstreamAttempts: upstream.attempts(),
      amplification: upstream.attempts() / requests,
      faults: upstream.faults(),
      heapBefore,
      heapAfter,
      exit,
      localUnhandled,
      seconds: (performance.now() - t0) / 1000,
    };
    return report;
  } finally {
    await agent.destroy().catch(() => {});
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await upstream.close();
    process.off('unhandledRejection', onUnhandled);
  }
}
