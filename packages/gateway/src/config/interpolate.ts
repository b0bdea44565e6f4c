/**
 * `${VAR}` interpolation of string values in a parsed config.
 * @module
 */
import { Issues, at } from './check.js';

const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const ANY_REF = /\$\{[^}]*\}/;

/**
 * Replaces `${VAR}` in every string of `value` with `env.VAR`. `${VAR:-default}` uses `default`
 * when VAR is unset or empty; `$${` is a literal `${`. An unset variable without a default is an
 * error naming the variable and the field.
 *
 * @param value - parsed YAML/JSON
 * @param env - variables (usually `process.env`)
 * @param issues - where problems are recorded
 * @param path - path of `value`, for messages
 * @returns a copy with the references replaced
 */
export function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>, issues: Issues, path = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, env, issues, path || '(root)');
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, issues, at(path, i)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, issues, at(path, k));
    return out;
  }
  return value;
}

function interpolateString(text: string, env: Readonly<Record<string, string | undefined>>, issues: Issues, path: string): string {
  const replaced = text.replace(REF, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '\u0000';
    const v = env[name!];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    issues.add(path, `environment variable ${name} is ${v === '' ? 'empty' : 'not set'} (referenced as \${${name}})`);
    return '';
  });
  if (ANY_REF.test(replaced.replaceAll('\u0000', ''))) {
    issues.add(path, 'malformed ${...} reference: use ${NAME} or ${NAME:-default} with NAME of letters, digits and "_"');
  }
  return replaced.replaceAll('\u0000', '${');
}

/** True when `raw` is exactly one `${VAR}` reference (how upstream keys must be written in files). */
export function isEnvReference(raw: unknown): boolean {
  return typeof raw === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(raw.trim());
}
