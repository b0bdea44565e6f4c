/**
 * Model routing: the first route whose glob matches the requested model wins.
 * @module
 */

/**
 * Compiles a model glob: `*` matches any run of characters, `?` exactly one; the rest is literal.
 * @example
 * ```ts
 * globToRegExp('gpt-4.*').test('gpt-4.1'); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when `pattern` has a wildcard (and so names no single model). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * A first-match router over `entries`. An entry with `models` (an allow-list) matches only those
 * of the models its pattern matches.
 *
 * @param entries - routes in priority order, each with a `pattern` and optional `models`
 * @returns a lookup from model to entry
 * @example
 * ```ts
 * const find = createRouter([{ pattern: 'gpt-*', … }, { pattern: '*', … }]);
 * find('gpt-4.1'); // the first entry
 * ```
 */
export function createRouter<T extends { pattern: string; models?: readonly string[] | undefined }>(entries: readonly T[]): (model: string) => T | undefined {
  const compiled = entries.map((entry) => ({ entry, re: globToRegExp(entry.pattern), allow: entry.models && new Set(entry.models) }));
  return (model) => compiled.find((c) => c.re.test(model) && (c.allow === undefined || c.allow.has(model)))?.entry;
}

/**
 * The models a set of routes can serve by name: every pattern without a wildcard, plus each
 * `candidates` entry (e.g. provider-declared models) that some route matches. Sorted, unique.
 * @example
 * ```ts
 * routableModels(['deepseek-v3.2', 'claude-*'], ['claude-sonnet-4.5', 'gpt-4.1']); // ['claude-sonnet-4.5', 'deepseek-v3.2']
 * ```
 */
export function routableModels(patterns: readonly string[], candidates: readonly string[] = []): string[] {
  const out = new Set(patterns.filter((p) => !isGlob(p)));
  const res = patterns.map(globToRegExp);
  for (const model of candidates) if (res.some((re) => re.test(model))) out.add(model);
  return [...out].sort();
}
