/**
 * The script engine: decides which step a request gets, from the schedule, the per-model routes
 * and the global script, with their counters and the time origin for windows.
 *
 * @module
 */
import type {
  Clock,
  RecordedRequest,
  ScheduleEntry,
  Script,
  Step,
  WindowStep,
} from './types.js';

/** A step with windows unwrapped and `'ok'` turned into `{}`. */
export type ConcreteStep = Exclude<Step, 'ok' | WindowStep>;

const OK: ConcreteStep = {};

interface Route {
  steps: Step | readonly Step[];
  n: number;
}

/** Chooses the step for each request. */
export class ScriptEngine {
  #script: Script | undefined;
  #n = 0;
  #routes = new Map<string, Route>();
  #keys = new Map<string, Route>();
  #schedule: readonly ScheduleEntry[] | undefined;
  #start: number;
  readonly #clock: Clock;

  /** Creates an engine; the time origin is the clock's current time. */
  constructor(
    clock: Clock,
    script?: Script,
    routes?: Record<string, Step | readonly Step[]>,
    schedule?: readonly ScheduleEntry[],
  ) {
    this.#clock = clock;
    this.#start = clock.now();
    this.#script = script;
    this.setRoutes(routes);
    this.#schedule = schedule;
  }

  /** Replaces the global script and restarts its counter. */
  setScript(script: Script | undefined): void {
    this.#script = script;
    this.#n = 0;
  }

  /** Replaces the routes (their counters restart). */
  setRoutes(routes: Record<string, Step | readonly Step[]> | undefined): void {
    this.#routes.clear();
    if (routes) for (const [model, steps] of Object.entries(routes)) this.#routes.set(model, { steps, n: 0 });
  }

  /** Replaces the per-key scripts (their counters restart). */
  setKeys(keys: Record<string, Step | readonly Step[]> | undefined): void {
    this.#keys.clear();
    if (keys) for (const [key, steps] of Object.entries(keys)) this.#keys.set(key, { steps, n: 0 });
  }

  /** Replaces the schedule. */
  setSchedule(schedule: readonly ScheduleEntry[] | undefined): void {
    this.#schedule = schedule;
  }

  /** The models that have a route. */
  routeModels(): string[] {
    return [...this.#routes.keys()];
  }

  /** Restarts every counter and the time origin. */
  reset(): void {
    this.#n = 0;
    for (const route of this.#routes.values()) route.n = 0;
    for (const route of this.#keys.values()) route.n = 0;
    this.#start = this.#clock.now();
  }

  /** Milliseconds since start (or the last reset) on the engine's clock. */
  elapsed(): number {
    return this.#clock.now() - this.#start;
  }

  /** The step for `req` (sent with API key `key`); advances the counter of the script it came from. */
  next(req: RecordedRequest, key?: string): ConcreteStep {
    const t = this.elapsed();
    if (this.#schedule) {
      for (const entry of this.#schedule) {
        if (entry.model !== undefined && entry.model !== req.model) continue;
        if (t >= (entry.fromMs ?? 0) && t < (entry.toMs ?? Infinity)) return unwrap(entry.step, t);
      }
    }
    const byKey = key === undefined ? undefined : this.#keys.get(key);
    if (byKey) return unwrap(pick(byKey.steps, byKey.n++), t);
    const route = req.model === undefined ? undefined : this.#routes.get(req.model);
    if (route) return unwrap(pick(route.steps, route.n++), t);
    const script = this.#script;
    if (script === undefined) return OK;
    const n = this.#n++;
    if (typeof script === 'function') return unwrap(script(req, n), t);
    return unwrap(pick(script, n), t);
  }
}

function pick(steps: Step | readonly Step[], n: number): Step | undefined {
  return Array.isArray(steps) ? (steps as readonly Step[])[n] : (steps as Step);
}

function unwrap(step: Step | undefined, t: number): ConcreteStep {
  let s = step;
  for (let depth = 0; depth < 32; depth++) {
    if (s === undefined || s === 'ok') return OK;
    if (!('window' in s)) return s;
    const w = s.window;
    s = t >= (w.fromMs ?? 0) && t < (w.untilMs ?? Infinity) ? w.step : w.otherwise;
  }
  return OK;
}
