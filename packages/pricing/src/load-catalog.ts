/**
 * Loading custom catalogs from JSON or YAML files.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigurationError } from '@lifeline/core';
import { parse as parseYaml } from 'yaml';
import { createCatalog, type Catalog, type CatalogData } from './catalog.js';

/** The text formats a catalog file may use. */
export type CatalogFormat = 'json' | 'yaml';

/**
 * Parses catalog text (JSON or YAML, see {@link CatalogData}) into a catalog.
 *
 * @param text - the file content
 * @param format - `json` or `yaml` (YAML 1.2, so JSON parses as YAML too)
 * @param origin - where the text came from, for error messages
 * @returns the catalog
 * @throws {@link ConfigurationError} when the text does not parse or an entry is invalid
 * @example
 * ```ts
 * const relay = parseCatalog('models:\n  gpt-4.1: { inputPerMTok: 8, outputPerMTok: 32 }\nsource: vendor\neffectiveDate: 2026-01-01', 'yaml');
 * ```
 */
export function parseCatalog(text: string, format: CatalogFormat = 'yaml', origin = 'catalog'): Catalog {
  let data: unknown;
  try {
    data = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigurationError(`${origin}: not valid ${format.toUpperCase()}: ${(err as Error).message}`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigurationError(`${origin}: a catalog must be an object with "models", got ${Array.isArray(data) ? 'an array' : String(data)}`);
  }
  const catalog = data as CatalogData;
  return createCatalog({ ...catalog, name: catalog.name ?? origin });
}

/**
 * Reads a catalog from a `.json`, `.yaml` or `.yml` file. Nothing is fetched from the network.
 *
 * @param path - the file
 * @returns the catalog, named after its `name` field or the file path
 * @throws {@link ConfigurationError} when the file cannot be read or parsed, or an entry is invalid
 * @example
 * ```ts
 * const relay = await loadCatalog('examples/catalogs/relay.yaml');
 * createClient({ adapter: relay, use: [meter({ catalogs: { relay } })] });
 * ```
 */
export async function loadCatalog(path: string): Promise<Catalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(`loadCatalog: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const format: CatalogFormat = extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
  return parseCatalog(text, format, path);
}
