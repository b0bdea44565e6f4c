/**
 * The keys of one adapter: a single key (or none) sent as is, or a {@link KeyPool} when there are
 * two or more — one shape for the adapters to use either way.
 * @module
 */
import type { Adapter, AdapterCall, ChatChunk, Usage } from '@lifeline/core';
import { resolveKeyPoolOptions, type ApiKeySpec, type KeyPoolOptions } from './options.js';
import { KeyPool, type SettleUsage } from './pool.js';

/** An adapter that may hold a key pool (`openai()`, `anthropic()`, `gemini()`). */
export interface KeyedAdapter extends Adapter {
  /** The key pool, when `apiKey` lists two keys or more (its state: `keyPool.snapshot()`). */
  readonly keyPool: KeyPool | undefined;
}

/** What {@link adapterKeys} builds. */
export interface AdapterKeys {
  /** The pool, when the adapter has two keys or more. */
  readonly pool: KeyPool | undefined;
  /** The first key (the only one, without a pool). */
  readonly first: string | undefined;
  /** Every key, for redaction. */
  readonly secrets: string[];
  /**
   * Runs `attempt` with a key: the single key, or one of the pool (see {@link KeyPool.send}).
   * @returns its value, and how to report the answer's usage
   */
  send<T>(call: AdapterCall, attempt: (key: string | undefined, call: AdapterCall) => Promise<T>): Promise<{ value: T; settle: SettleUsage }>;
}

/** Where an adapter's keys come from. */
export interface AdapterKeysInput {
  /** Adapter kind, for messages. */
  vendor: string;
  /** Adapter name: errors' `provider`, the pool's default id. */
  name: string;
  /** Message prefix. */
  label: string;
  /** The keys, as {@link readApiKeys} read them from the `apiKey` option. */
  keys: readonly ApiKeySpec[];
  /** The `keyPool` option as given. */
  keyPool: KeyPoolOptions | undefined;
}

const ignore: SettleUsage = () => {};

function single<T>(value: T): { value: T; settle: SettleUsage } {
  return { value, settle: ignore };
}

/**
 * Builds an adapter's keys; `keyPool` is validated even with a single key.
 * @throws {@link ConfigurationError} naming the invalid `keyPool` field
 */
export function adapterKeys(input: AdapterKeysInput): AdapterKeys {
  const specs = input.keys;
  const options = resolveKeyPoolOptions(input.vendor, input.name, input.keyPool);
  const pool = specs.length > 1 ? new KeyPool(specs, options, { provider: input.name, label: input.label }) : undefined;
  const first = specs[0]?.key;
  return {
    pool,
    first,
    secrets: specs.map((s) => s.key),
    send(call, attempt) {
      if (pool) return pool.send(call, attempt);
      // No async frame of its own: one `then` on the attempt.
      return attempt(first, call).then(single);
    },
  };
}

/**
 * Passes `chunks` through and reports the usage of the last chunk that carried one once the
 * stream ends (or is left early), so a pool counts a stream's tokens against its key. Wrap the
 * body-reading generator before any guard that releases the body of a stream never started.
 */
export async function* settleChunks(chunks: AsyncIterable<ChatChunk>, settle: SettleUsage): AsyncGenerator<ChatChunk, void, undefined> {
  let usage: Usage | null | undefined;
  try {
    for await (const chunk of chunks) {
      if (chunk.usage) usage = chunk.usage;
      yield chunk;
    }
  } finally {
    settle(usage);
  }
}
