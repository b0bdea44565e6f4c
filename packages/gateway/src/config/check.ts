/**
 * Path-aware readers for config validation. Each reader records a problem as
 * `path: expected …, got …` and returns `undefined`, so one pass reports every problem.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';

/** A configuration file or object that failed validation; `issues` lists every problem. */
export class ConfigValidationError extends ConfigurationError {
  /** One line per problem, each starting with the path of the offending field. */
  readonly issues: readonly string[];
  constructor(issues: readonly string[], source?: string) {
    const where = source ? ` in ${source}` : '';
    const head = issues.length === 1 ? `Invalid configuration${where}: ${issues[0]}` : `Invalid configuration${where} (${issues.length} problems):\n  - ${issues.join('\n  - ')}`;
    super(head);
    this.issues = issues;
  }
}

/** Describes a received value for a message: `"antropic"`, `-1`, `an object`, `null`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Collects problems while a config is read. */
export class Issues {
  readonly list: string[] = [];
  add(path: string, problem: string): undefined {
    this.list.push(`${path}: ${problem}`);
    return undefined;
  }
  expected(path: string, what: string, value: unknown): undefined {
    return this.add(path, `expected ${what}, got ${describe(value)}`);
  }
}

/** Joins a path and a key: `providers` + `backup` → `providers.backup`; array index → `routes[0]`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A plain object, or `undefined` (recorded) when `value` is not one. `undefined` input passes silently when optional. */
export function readObject(issues: Issues, path: string, value: unknown, optional = true): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return optional ? undefined : issues.add(path, 'is required');
  if (typeof value !== 'object' || Array.isArray(value)) return issues.expected(path, 'a mapping (key: value)', value);
  return value as Record<string, unknown>;
}

/** Flags keys of `obj` that are not in `known`, with a "did you mean" hint. */
export function rejectUnknownKeys(issues: Issues, path: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known);
    issues.add(at(path, key), `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`);
  }
}

/** Options of {@link readString}. */
export interface StringRule {
  optional?: boolean;
  nonEmpty?: boolean;
  pattern?: RegExp;
  patternHint?: string;
}

/** A string, or `undefined` (recorded when wrong or missing and required). */
export function readString(issues: Issues, path: string, value: unknown, rule: StringRule = {}): string | undefined {
  if (value === undefined || value === null) return rule.optional ? undefined : issues.add(path, 'is required');
  if (typeof value !== 'string') return issues.expected(path, 'a string', value);
  if ((rule.nonEmpty ?? true) && value.trim() === '') return issues.expected(path, 'a non-empty string', value);
  if (rule.pattern && !rule.pattern.test(value)) return issues.expected(path, rule.patternHint ?? `a string matching ${rule.pattern}`, value);
  return value;
}

/** Options of {@link readNumber}. */
export interface NumberRule {
  optional?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
  /** Also accept 0 when `min` is above it (e.g. "0 disables"). */
  allowZero?: boolean;
}

/** A number (numeric strings from `${ENV}` are accepted), or `undefined` (recorded when wrong). */
export function readNumber(issues: Issues, path: string, value: unknown, rule: NumberRule = {}): number | undefined {
  if (value === undefined || value === null) return rule.optional === false ? issues.add(path, 'is required') : undefined;
  let n = value;
  if (typeof n === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(n)) n = Number(n);
  const what = rule.integer ? 'an integer' : 'a number';
  const range =
    rule.min !== undefined && rule.max !== undefined ? ` between ${rule.min} and ${rule.max}` : rule.min !== undefined ? ` >= ${rule.min}` : rule.max !== undefined ? ` <= ${rule.max}` : '';
  if (typeof n !== 'number' || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) return issues.expected(path, `${what}${range}`, value);
  if (rule.allowZero && n === 0) return 0;
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) return issues.expected(path, `${what}${range}`, value);
  return n;
}

/** A boolean (`"true"`/`"false"` strings from `${ENV}` accepted), or `undefined`. */
export function readBoolean(issues: Issues, path: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  if (typeof value !== 'boolean') return issues.expected(path, 'true or false', value);
  return value;
}

/** One of `allowed`, or `undefined` (recorded). */
export function readEnum<T extends string>(issues: Issues, path: string, value: unknown, allowed: readonly T[], optional = true): T | undefined {
  if (value === undefined || value === null) return optional ? undefined : issues.add(path, `is required (one of ${allowed.join(', ')})`);
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return issues.expected(path, `one of ${allowed.join(', ')}`, value);
}

/** An array, or `undefined` (recorded). */
export function readArray(issues: Issues, path: string, value: unknown, optional = true): unknown[] | undefined {
  if (value === undefined || value === null) return optional ? undefined : issues.add(path, 'is required');
  if (!Array.isArray(value)) return issues.expected(path, 'a list', value);
  return value;
}

/** The entry of `candidates` closest to `word` (edit distance ≤ 2), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d < word.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
