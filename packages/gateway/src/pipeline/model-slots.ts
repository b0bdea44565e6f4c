/**
 * Bounded model names: clients choose the model of a request and upstreams the model of an
 * answer, so every per-model piece of state (metric labels, breakers, spend rows) names at most
 * a fixed number of models per target and folds the rest into one `other` bucket.
 * @module
 */

/** Distinct model names kept per target (beyond the configured ones) before folding. */
export const MODELS_PER_TARGET = 50;
/** Distinct targets tracked before further ones share one bucket. */
const MAX_TARGETS = 1_000;

/** Options of {@link ModelSlots}. */
export interface ModelSlotsOptions {
  /** Names kept per target, first come first served. @defaultValue {@link MODELS_PER_TARGET} */
  perTarget?: number;
  /** Names that never take a slot nor fold (the config's models: route names, allow-lists, target models). */
  known?: Iterable<string>;
  /** What folded names become. @defaultValue '(other)' */
  other?: string;
}

/**
 * Per target, the first `perTarget` distinct model names keep their own name; later ones fold
 * into `other`. Known models always keep theirs. Folding (rather than evicting the least recently
 * used name) is what keeps the state bounded: metric series and spend rows are never forgotten,
 * so a name once given a slot keeps it.
 *
 * @example
 * ```ts
 * const slots = new ModelSlots({ perTarget: 2, known: ['gpt-4.1'] });
 * ['a', 'b', 'c', 'gpt-4.1'].map((m) => slots.label('relay', m)); // ['a', 'b', '(other)', 'gpt-4.1']
 * ```
 */
export class ModelSlots {
  readonly #perTarget: number;
  readonly #known: ReadonlySet<string>;
  readonly #other: string;
  readonly #byTarget = new Map<string, Set<string>>();

  constructor(options: ModelSlotsOptions = {}) {
    this.#perTarget = options.perTarget ?? MODELS_PER_TARGET;
    this.#known = new Set(options.known ?? []);
    this.#other = options.other ?? '(other)';
  }

  /** The name to record `model` under for `target`: the model itself, or the `other` bucket. */
  label(target: string, model: string): string {
    if (this.#known.has(model)) return model;
    let names = this.#byTarget.get(target);
    if (names === undefined) {
      if (this.#byTarget.size >= MAX_TARGETS) return this.#other;
      this.#byTarget.set(target, (names = new Set()));
    }
    if (names.has(model)) return model;
    if (names.size >= this.#perTarget) return this.#other;
    names.add(model);
    return model;
  }

  /** Names holding a slot, over every target. */
  get size(): number {
    let n = 0;
    for (const names of this.#byTarget.values()) n += names.size;
    return n;
  }
}
