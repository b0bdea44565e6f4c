/**
 * The three upstream targets of the chaos run: an OpenAI-compatible, an Anthropic and a Gemini
 * mock provider on loopback. Each upstream attempt draws, from the seeded random source, either a
 * normal answer or one of the faults; answers are the deterministic text of the request's nonce.
 * @module
 */
import { startMockProvider, type Flavor, type MockProvider, type RecordedRequest, type Step } from '@lifeline/testing';
import { drawFault } from './faults.ts';
import type { Random } from './seed.ts';
import { expectedText, readNonce } from './text.ts';

/** The upstream key every mock expects (never a real one). */
export const UPSTREAM_KEY = 'chaos-upstream-key';

/** One running target. */
export interface ChaosTarget {
  name: string;
  flavor: Flavor;
  mock: MockProvider;
}

/** The targets and what they saw. */
export interface ChaosTargets {
  targets: ChaosTarget[];
  /** Upstream attempts received (every script step). */
  attempts(): number;
  /** Faults injected, by kind. */
  faults(): Record<string, number>;
  /** Sets the share of attempts that get a fault (0 during warm-up checks, for instance). */
  setFaultRate(rate: number): void;
  close(): Promise<void>;
}

/** A stretch of requests (by request number) during which some targets fail far more often. */
export interface Storm {
  /** First request number of the storm. */
  from: number;
  /** First request number after it. */
  until: number;
  /** Fault rate of the stormy targets meanwhile. */
  rate: number;
  /** Targets hit by the storm. */
  targets: readonly string[];
}

/**
 * Starts `alpha` (openai), `beta` (anthropic) and `gamma` (gemini).
 *
 * @param rand - the run's seeded random source
 * @param faultRate - share of upstream attempts that get a fault
 * @param storm - requests during which some targets are (nearly) down: breakers open, failover, degraded answers
 * @example
 * ```ts
 * const upstream = await startTargets(prng(1), 0.2);
 * await upstream.close();
 * ```
 */
export async function startTargets(rand: Random, faultRate: number, storm?: Storm): Promise<ChaosTargets> {
  let attempts = 0;
  let rate = faultRate;
  const faults: Record<string, number> = {};
  const script = (name: string) => (req: RecordedRequest): Step => {
    attempts++;
    const n = readNonce(JSON.stringify(req.body)) ?? -1;
    const text = expectedText(n, name);
    const stormy = storm !== undefined && n >= storm.from && n < storm.until && storm.targets.includes(name);
    if (rand() >= (stormy ? storm.rate : rate)) return { reply: { text } };
    const fault = drawFault(rand, text);
    faults[fault.kind] = (faults[fault.kind] ?? 0) + 1;
    return fault.step;
  };
  const specs: Array<[string, Flavor]> = [
    ['alpha', 'openai'],
    ['beta', 'anthropic'],
    ['gamma', 'gemini'],
  ];
  const targets = await Promise.all(
    specs.map(async ([name, flavor]) => ({ name, flavor, mock: await startMockProvider({ flavor, apiKey: UPSTREAM_KEY, script: script(name), maxRecorded: 50 }) })),
  );
  return {
    targets,
    attempts: () => attempts,
    faults: () => ({ ...faults }),
    setFaultRate: (r) => void (rate = r),
    close: async () => void (await Promise.all(targets.map((t) => t.mock.close()))),
  };
}
