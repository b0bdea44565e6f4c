/**
 * Validation of a route's `models:` allow-list.
 * @module
 */
import { globToRegExp } from '../pipeline/router.js';
import { Issues, at, readArray, readString } from './check.js';

/**
 * Reads `routes[i].models`: a non-empty list of model names, each matched by the route's glob.
 *
 * @param issues - where problems are recorded
 * @param path - `routes[i].models`
 * @param raw - the value given
 * @param pattern - the route's `model` glob, when valid
 * @returns the names (duplicates removed), or `undefined` when absent or wrong
 */
export function readRouteModels(issues: Issues, path: string, raw: unknown, pattern: string | undefined): string[] | undefined {
  const list = readArray(issues, path, raw);
  if (list === undefined) return undefined;
  if (list.length === 0) return issues.add(path, 'list at least one model (or leave models out to serve every model the glob matches)');
  const re = pattern === undefined ? undefined : globToRegExp(pattern);
  const names = new Set<string>();
  list.forEach((m, i) => {
    const name = readString(issues, at(path, i), m);
    if (name === undefined) return;
    if (re && !re.test(name)) issues.add(at(path, i), `${JSON.stringify(name)} does not match the route's model ${JSON.stringify(pattern)}`);
    else names.add(name);
  });
  return [...names];
}
