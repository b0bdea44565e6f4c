/**
 * Reading a `lifeline.yaml` / `lifeline.json` file into a validated {@link GatewayConfig}.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigValidationError, Issues, at } from './check.js';
import { interpolate, isEnvReference } from './interpolate.js';
import { checkSecretReferences } from './secret-references.js';
import { checkRedisUrlIsReference } from './validate-store.js';
import type { GatewayConfig } from './types.js';
import { validateConfig } from './validate.js';

/** Options of {@link parseConfig} and {@link loadConfig}. */
export interface LoadOptions {
  /** Variables for `${VAR}`. @defaultValue `process.env` */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against. @defaultValue the config file's directory */
  baseDir?: string;
  /** Name for messages. @defaultValue the file name */
  source?: string;
}

/**
 * Parses config text (YAML, of which JSON is a subset), interpolates `${VAR}` and validates it.
 * Upstream `apiKey`s must be `${VAR}` references (or `apiKeyFile`): a key written in the file is refused,
 * and so is a password written into `store.redis.url`, a credential header (`Authorization`,
 * `x-api-key`, …) written in `providers.*.headers`, and a secret given as the default of a `${VAR:-default}`.
 *
 * @param text - file contents
 * @param options - env, base directory, source name
 * @returns the validated configuration
 * @throws {@link ConfigValidationError} naming the line (syntax) or the path (content) of each problem
 * @example
 * ```ts
 * const config = parseConfig('providers: { main: { kind: openai, apiKey: "${KEY}" } }\nroutes: [{ model: "*", targets: [main] }]', { env: { KEY: 'sk-…' } });
 * ```
 */
export function parseConfig(text: string, options: LoadOptions = {}): GatewayConfig {
  const source = options.source ?? 'config';
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'syntax';
      throw new ConfigValidationError([`${where}: ${err.message.split('\n')[0]}`], source);
    }
    throw err;
  }
  if (raw === null || raw === undefined) throw new ConfigValidationError(['(root): the file is empty; it needs at least providers and routes'], source);
  const issues = new Issues();
  checkSecretsAreReferences(raw, issues);
  checkRedisUrlIsReference(raw, issues);
  checkSecretReferences(raw, issues);
  const interpolated = interpolate(raw, options.env ?? process.env, issues);
  if (issues.list.length > 0) throw new ConfigValidationError(issues.list, source);
  return validateConfig(interpolated, { baseDir: options.baseDir ?? process.cwd(), source });
}

/**
 * Reads and validates a config file.
 *
 * @param file - path to a `.yaml`, `.yml` or `.json` file
 * @param options - env and overrides
 * @returns the validated configuration
 * @throws {@link ConfigValidationError} when the file is missing, unparsable or invalid
 * @example
 * ```ts
 * const config = await loadConfig('lifeline.yaml');
 * ```
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<GatewayConfig> {
  const full = resolve(file);
  const ext = extname(full).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new ConfigValidationError([`(file): expected a .yaml, .yml or .json file, got ${JSON.stringify(basename(full))}`], file);
  }
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigValidationError([`(file): cannot read ${full}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`], file);
  }
  return parseConfig(text, { env: options.env, baseDir: options.baseDir ?? dirname(full), source: options.source ?? basename(full) });
}

function checkSecretsAreReferences(raw: unknown, issues: Issues): void {
  const providers = (raw as { providers?: unknown }).providers;
  if (!providers || typeof providers !== 'object' || Array.isArray(providers)) return;
  for (const [name, p] of Object.entries(providers as Record<string, unknown>)) {
    const apiKey = (p as { apiKey?: unknown } | null)?.apiKey;
    if (apiKey !== undefined && apiKey !== null && !isEnvReference(apiKey)) {
      issues.add(at(at('providers', name), 'apiKey'), 'upstream keys are read from the environment, not written in the file: use apiKey: "${MY_KEY_VAR}" or apiKeyFile: /run/secrets/key');
    }
    const apiKeys = (p as { apiKeys?: unknown } | null)?.apiKeys;
    if (!Array.isArray(apiKeys)) continue;
    apiKeys.forEach((item: unknown, i) => {
      const inline = typeof item === 'object' && item !== null && !Array.isArray(item);
      const value = inline ? (item as { key?: unknown }).key : item;
      if (value === undefined || value === null) return;
      const path = inline ? at(at(at(at('providers', name), 'apiKeys'), i), 'key') : at(at(at('providers', name), 'apiKeys'), i);
      const withDefault = typeof value === 'string' ? /^\s*\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]+\}\s*$/.exec(value) : null;
      if (withDefault) {
        issues.add(path, `upstream keys must come from the environment, but the default in \${${withDefault[1]}:-…} writes one in the file: use \${${withDefault[1]}} with no default`);
      } else if (!isEnvReference(value)) {
        issues.add(path, 'upstream keys are read from the environment, not written in the file: use apiKeys: ["${KEY_1}", "${KEY_2}"] or apiKeyFile: [/run/secrets/key-1, /run/secrets/key-2]');
      }
    });
  }
}
