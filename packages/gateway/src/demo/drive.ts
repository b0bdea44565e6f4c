/**
 * The live part of the demo: a scripted outage, one request per step, one line per request.
 * @module
 */
import type { MockProvider, Script } from '@lifeline/testing';
import type { BreakerChange } from '../pipeline/types.js';
import type { LifelineSummary } from '../server/meta.js';
import type { Gateway } from '../server/create-gateway.js';
import { progressLine, usd, type DemoResult } from './format.js';

/** The model the live demo asks for. */
export const DEMO_MODEL = 'deepseek-v3.2';
/** The model of the "try it" curl line (its breakers are untouched by the live demo). */
export const TRY_MODEL = 'gpt-4.1';

/** The demo route's targets, in order. */
export const TARGETS = ['relay', 'backup', 'claude:claude-sonnet-4.5'] as const;

type Providers = { relay: MockProvider; backup: MockProvider; claude: MockProvider };

const DOWN_503: Script = { status: 503 };
const OVERLOADED: Script = { preset: 'overloaded' };

interface Step {
  label: string;
  question: string;
  /** Ask for a fresh answer (Cache-Control: max-age=0), so the cache serves only when the call fails. */
  fresh?: boolean;
  setup?: (p: Providers) => void;
}

const STEPS: Step[] = [
  { label: 'relay healthy', question: 'What is a circuit breaker?' },
  { label: 'same question again', question: 'What is a circuit breaker?' },
  { label: 'relay fails (503)', question: 'Why do LLM APIs fail?', setup: (p) => p.relay.setScript(DOWN_503) },
  { label: 'relay still down', question: 'What is failover?' },
  { label: 'backup fails too', question: 'What is a fallback?', setup: (p) => p.backup.setScript(DOWN_503) },
  { label: 'all targets down', question: 'What is a circuit breaker?', fresh: true, setup: (p) => p.claude.setScript(OVERLOADED) },
  { label: 'never-seen question', question: 'What is graceful degradation?' },
];

async function ask(url: string, step: Step): Promise<DemoResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (step.fresh) headers['cache-control'] = 'max-age=0';
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: DEMO_MODEL, messages: [{ role: 'user', content: step.question }] }),
  });
  const body = (await res.json()) as { lifeline?: LifelineSummary; choices?: Array<{ message: { content: string } }>; error?: { message: string } };
  const summary = body.lifeline ?? { provider: null, model: null, attempts: Number(res.headers.get('x-lifeline-attempts') ?? 0), cache: 'none', costUsd: null, degraded: false, latencyMs: null };
  return { status: res.status, summary, content: body.choices?.[0]?.message.content ?? body.error?.message ?? '' };
}

/**
 * Runs the scripted outage against the gateway and prints a line per request, breaker changes as
 * they happen, and a summary (then `serving`, when given); then leaves every upstream healthy.
 *
 * @returns the lines printed
 */
export async function driveDemo(d: { url: string; gateway: Gateway; providers: Providers; out: (line: string) => void; isClosed: () => boolean; serving?: string | undefined }): Promise<string[]> {
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    d.out(line);
  };
  const pending: BreakerChange[] = [];
  const off = d.gateway.pipeline.onBreakerChange?.((c) => pending.push(c)) ?? (() => {});
  let spent = 0;
  let saved = 0;
  let failovers = 0;
  let errors = 0;
  try {
    print('');
    print(`  Live demo: ${STEPS.length} requests for ${DEMO_MODEL} while the upstreams fail one by one`);
    for (const [i, step] of STEPS.entries()) {
      if (d.isClosed()) break;
      step.setup?.(d.providers);
      const result = await ask(d.url, step);
      spent += result.summary.costUsd ?? 0;
      saved += result.summary.savedUsd ?? 0;
      if (result.status !== 200) errors++;
      if (result.summary.provider !== 'relay' && result.summary.cache !== 'hit' && result.summary.cache !== 'stale' && !result.summary.degraded) failovers++;
      print(progressLine(i + 1, step.label, result, TARGETS));
      for (const c of pending.splice(0)) if (c.to === 'open' || c.to === 'closed') print(`        breaker ${c.key}: ${c.from} → ${c.to}`);
    }
    print(`  Spent ${usd(spent)}, saved ${usd(saved)} with the cache, ${failovers} answers by a backup, ${errors} error${errors === 1 ? '' : 's'} seen by the caller.`);
    if (d.serving !== undefined) print(d.serving);
  } finally {
    off();
    if (!d.isClosed()) {
      d.providers.relay.setScript(undefined);
      d.providers.backup.setScript(undefined);
      d.providers.claude.setScript(undefined);
    }
  }
  return lines;
}
