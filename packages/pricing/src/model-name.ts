/**
 * Model-name aliases: how `claude-sonnet-4.5`, `anthropic/claude-sonnet-4-5-20250929` and
 * `claude-sonnet-4-5@20250929` all find the same price.
 * @module
 */

/** A model name split into an optional provider prefix and the bare model id. */
export interface ModelName {
  /** `openai` in `openai/gpt-4.1`, when the name has a prefix. */
  provider: string | undefined;
  /** The model id, lowercased, with `models/` and the provider prefix removed. */
  id: string;
}

/**
 * Splits `openai/gpt-4.1` into `{ provider: 'openai', id: 'gpt-4.1' }`. Lowercases, trims and
 * drops a Gemini-style `models/` prefix.
 *
 * @param name - the model name as sent upstream
 * @returns provider prefix and bare id
 * @example
 * ```ts
 * parseModelName('OpenAI/GPT-4.1'); // { provider: 'openai', id: 'gpt-4.1' }
 * ```
 */
export function parseModelName(name: string): ModelName {
  let id = name.trim().toLowerCase();
  if (id.startsWith('models/')) id = id.slice('models/'.length);
  const slash = id.lastIndexOf('/');
  if (slash < 0) return { provider: undefined, id };
  const provider = id.slice(0, id.indexOf('/'));
  return { provider, id: id.slice(slash + 1) };
}

/**
 * Dots between digits become dashes, lowercased.
 * @example
 * ```ts
 * canonicalModelId('claude-sonnet-4.5'); // 'claude-sonnet-4-5'
 * ```
 */
export function canonicalModelId(id: string): string {
  return id.toLowerCase().replace(/(\d)\.(\d)/g, '$1-$2');
}

const SUFFIXES: readonly RegExp[] = [
  /@\d{8}$/, // Vertex: claude-sonnet-4-5@20250929
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: gpt-4.1-2025-04-14
  /-\d{8}$/, // Anthropic: claude-sonnet-4-5-20250929
  /-latest$/,
  /-\d{4}$/, // gpt-4-0613, mistral-large-2411
];

/**
 * The names to try, in order, when looking a model up: the id itself, then with a snapshot
 * suffix (a date, `@date`, `-latest`) removed. Every candidate is in canonical form
 * (see {@link canonicalModelId}).
 *
 * @param id - a bare model id (no provider prefix)
 * @returns distinct candidates, most specific first
 * @example
 * ```ts
 * modelCandidates('gpt-4.1-2025-04-14'); // ['gpt-4-1-2025-04-14', 'gpt-4-1']
 * ```
 */
export function modelCandidates(id: string): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    if (s && !out.includes(s)) out.push(s);
  };
  const base = canonicalModelId(id);
  add(base);
  for (const re of SUFFIXES) {
    const stripped = base.replace(re, '');
    if (stripped !== base) add(stripped);
  }
  return out;
}
