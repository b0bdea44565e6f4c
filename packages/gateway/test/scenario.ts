/**
 * One fault scenario: a misbehaving OpenAI-compatible upstream (`@lifeline/testing`'s mock, one
 * server playing a faulty primary model and a healthy fallback model), a gateway with default
 * options plus a two-target route, and a virtual clock shared by both.
 */
import { type FakeClock, type MockProvider, type MockProviderOptions, type Step, fakeClock, startMockProvider } from '@lifeline/testing';
import type { GatewayConfigInput } from '../src/config/types.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';
import { type SseCall, streamChat } from './sse-client.js';

export const T0 = 1_750_000_000_000;
export const KEY = 'upstream-test-key';
/** The model the client asks for: played faulty by the primary. */
export const PRIMARY = 'gpt-4.1';
/** The fallback target's model: healthy unless a scenario says otherwise. */
export const FALLBACK = 'gpt-4.1-mini';
/** A 60-word answer, one word per stream chunk. */
export const ANSWER = Array.from({ length: 60 }, (_, i) => `w${i + 1}`).join(' ');
/** The first `n` words of {@link ANSWER}, as the stream delivers them. */
export const words = (n: number) => ANSWER.split(' ').slice(0, n).join(' ');

/** Delays at or below this are sleeps (backoff, Retry-After) the driver skips; longer ones are guards (timeouts). */
const SLEEP_MAX_MS = 10_000;

export interface Scenario {
  clock: FakeClock;
  wall: MockProvider;
  gateway: Gateway;
  url: string;
  /** Starts a streamed call for `PRIMARY` (`extra` fields are added to the body). */
  stream(content?: string, headers?: Record<string, string>, extra?: Record<string, unknown>): SseCall;
  /** Runs `call` to its end, skipping every sleep on the virtual clock (never a guard). */
  drive(call: SseCall): Promise<SseCall>;
  /** Requests the upstream received for `model`. */
  requests(model: string): MockProvider['requests'];
  close(): Promise<void>;
}

export interface ScenarioOptions {
  /** What the primary model does (one step per request, a normal reply past the end). */
  primary?: Step | readonly Step[];
  /** What the fallback model does. @defaultValue a normal reply */
  fallback?: Step | readonly Step[];
  /** More mock options (schedule, rejectPrefill). */
  mock?: Omit<MockProviderOptions, 'clock' | 'text' | 'routes' | 'apiKey'>;
  /** Config on top of the defaults (a scenario that needs one says why). */
  config?: Partial<GatewayConfigInput>;
  /** The `wall` provider's own settings on top of `{ kind, baseURL, apiKey }`. */
  provider?: Record<string, unknown>;
}

/** Starts the upstream and a gateway with default options and the route `[wall, { provider: wall, model: FALLBACK }]`. */
export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const clock = fakeClock(T0);
  const routes: Record<string, Step | readonly Step[]> = {};
  if (options.primary !== undefined) routes[PRIMARY] = options.primary;
  if (options.fallback !== undefined) routes[FALLBACK] = options.fallback;
  const wall = await startMockProvider({ clock, text: ANSWER, apiKey: KEY, routes, ...options.mock });
  const gateway = createGateway(
    {
      server: { logLevel: 'silent' },
      providers: { wall: { kind: 'openai', baseURL: wall.url, apiKey: KEY, ...options.provider } },
      routes: [{ model: '*', targets: ['wall', { provider: 'wall', model: FALLBACK }] }],
      ...options.config,
    },
    { pipeline: { clock } },
  );
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    clock,
    wall,
    gateway,
    url,
    stream: (content = 'Tell me about Lifeline.', headers, extra) => streamChat(url, { model: PRIMARY, stream: true, messages: [{ role: 'user', content }], ...extra }, headers),
    drive: (call) => drive(clock, call),
    requests: (model) => wall.requests.filter((r) => r.model === model),
    async close() {
      await gateway.close();
      await wall.close();
    },
  };
}

/**
 * Waits for `call` to finish. Whenever the pipeline schedules a sleep (a backoff or a Retry-After,
 * at most 10 s), the virtual clock is moved by exactly that much; timeouts (15 s and longer) are
 * left alone — a scenario that waits for one advances the clock itself.
 */
export async function drive(clock: FakeClock, call: SseCall): Promise<SseCall> {
  let settled = false;
  void call.finished.finally(() => (settled = true)).catch(() => {});
  let seen = clock.delays.length;
  const started = Date.now();
  while (!settled) {
    await new Promise((r) => setTimeout(r, 1));
    const fresh = clock.delays.slice(seen);
    seen = clock.delays.length;
    for (const ms of fresh) if (ms > 0 && ms <= SLEEP_MAX_MS) await clock.advanceAsync(ms);
    if (Date.now() - started > 20_000) throw new Error('scenario: the call did not finish within 20 s of real time');
  }
  return call.finished;
}

/** Waits (real time, polling) until `cond()` holds: for I/O to happen, never to check a timing. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > 10_000) throw new Error(`scenario: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
