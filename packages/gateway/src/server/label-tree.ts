/**
 * Entries per label set for the tallied metrics, found through nested Maps (one level per label
 * value), so that a lookup builds no label key string and no labels object.
 * @module
 */

type Level = Map<string | undefined, unknown>;

/** Label name → value for `values` given in the order of `names`. */
export function labelsOf<L extends string>(names: readonly L[], values: readonly string[]): Record<L, string> {
  const labels = {} as Record<L, string>;
  names.forEach((name, i) => (labels[name] = values[i]!));
  return labels;
}

/** One entry per label set, made on its first lookup. */
export class LabelTree<E> {
  readonly #create: (values: readonly string[]) => E;
  #root: Level = new Map();

  /** @param create - makes the entry of a label set the first time it is looked up */
  constructor(create: (values: readonly string[]) => E) {
    this.#create = create;
  }

  /** The entry of the label set `values` (one value per label name, in order). */
  get(values: readonly string[]): E {
    let level = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]!) as Level | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    let entry = level.get(values[last]) as E | undefined;
    if (entry === undefined) level.set(values[last], (entry = this.#create(values)));
    return entry;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#root = new Map();
  }
}
