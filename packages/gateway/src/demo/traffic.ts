/**
 * The demo's background traffic once the live run is over: a request a second while the relay
 * flaps (down for a while, then up), so the status page shows its breaker open and close.
 * @module
 */
import type { MockProvider } from '@lifeline/testing';
import { DEMO_MODEL } from './drive.js';

/** Options of {@link startTraffic}. */
export interface TrafficOptions {
  /** The gateway's base URL. */
  url: string;
  /** The provider that flaps. */
  relay: MockProvider;
  /** One request this often, in ms. @defaultValue 1000 */
  everyMs?: number;
  /** The relay answers for this long… @defaultValue 20000 */
  upMs?: number;
  /** …then fails with 503 for this long, and again. @defaultValue 10000 */
  downMs?: number;
}

/** Running background traffic. */
export interface DemoTraffic {
  /** Stops sending (waits for the request in flight) and leaves the relay healthy. */
  stop(): Promise<void>;
}

const QUESTIONS = ['What is a circuit breaker?', 'Why do LLM APIs fail?', 'What is failover?', 'What is a fallback?'];

/**
 * Starts the traffic: one request at a time (a tick is skipped while one is in flight), each asking
 * for a fresh answer so that the relay's outages reach its breaker.
 *
 * @param o - gateway, relay, pace
 * @returns the handle that stops it
 */
export function startTraffic(o: TrafficOptions): DemoTraffic {
  const { everyMs = 1_000, upMs = 20_000, downMs = 10_000 } = o;
  const started = Date.now();
  let inflight: Promise<void> | undefined;
  let n = 0;
  const send = () => {
    if (inflight) return;
    const down = (Date.now() - started) % (upMs + downMs) >= upMs;
    o.relay.setScript(down ? { status: 503 } : undefined);
    const question = QUESTIONS[n++ % QUESTIONS.length]!;
    inflight = fetch(`${o.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=0' },
      body: JSON.stringify({ model: DEMO_MODEL, messages: [{ role: 'user', content: question }] }),
    })
      .then((res) => res.arrayBuffer())
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => (inflight = undefined));
  };
  const timer = setInterval(send, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inflight;
      o.relay.setScript(undefined);
    },
  };
}
