/**
 * Failover targets: normalisation, naming (`<adapter name>:<model>` for a model swap) and the thin
 * adapter that makes `meta.provider` and every error's `provider` carry the target's name.
 * @module
 */
import { type Adapter, type AdapterCall, type ChatChunk, type ChatRequest, ConfigurationError, type EmbeddingRequest, LifelineError, tapStream } from '@lifeline/core';

/** A target given as an object: an adapter, optionally with another model, a weight and a context size. */
export interface FailoverTargetConfig {
  /** The provider to call. */
  adapter: Adapter;
  /** Model sent to this target instead of the request's (e.g. `claude-sonnet-4.5` on Anthropic). */
  model?: string;
  /** Relative share of first attempts under the `weighted` strategy; 0 = only as a backup. @defaultValue 1 */
  weight?: number;
  /** Context window of this target's model, in tokens: a `ContextLengthError` routes to a bigger one. */
  maxContextTokens?: number;
  /** Target name (`meta.provider`, error `provider`, breaker key). @defaultValue the adapter's name, `<adapter name>:<model>` with a `model` */
  name?: string;
  /**
   * Whether this target (its adapter with its model) continues an assistant prefill — a final
   * assistant message — where it stopped. `midStream: 'continue'` sends such a target the partial
   * answer as a prefill; others regenerate the answer. A 400 refusing a prefill overrides `true`
   * (remembered in `prefillMemory`).
   * @defaultValue the adapter's `capabilities.prefill` (`anthropic()`: true; `openai()`, `gemini()`: false)
   */
  prefill?: boolean;
  /**
   * Embedding calls: the vector space this target's embeddings live in. Targets of one family are
   * interchangeable for embedding calls even when their model names differ (the same model as an
   * Azure deployment, a self-hosted copy). Without it, a target joins an embedding call only when it
   * sends the same model as the call's first embedding-capable target.
   * @defaultValue the model the target sends
   */
  embeddingFamily?: string;
  /**
   * Embedding calls: the width of the vectors this target returns when the request sets no
   * `dimensions`. Checked within a family, and against every answer.
   * @defaultValue undefined (not checked)
   */
  dimensions?: number;
}

/**
 * A failover target: an adapter, or an adapter with options.
 * @example
 * ```ts
 * const targets: FailoverTarget[] = [relay, { adapter: claude, model: 'claude-sonnet-4.5', maxContextTokens: 200_000 }];
 * ```
 */
export type FailoverTarget = Adapter | FailoverTargetConfig;

/** A normalised target, as `isAvailable` and events see it. */
export interface TargetInfo {
  /** Unique name within the failover list. */
  readonly name: string;
  /** Position in the list given to `failover()`. */
  readonly index: number;
  /** The provider. */
  readonly adapter: Adapter;
  /** The model swapped in, if any. */
  readonly model: string | undefined;
  readonly weight: number;
  readonly maxContextTokens: number | undefined;
  /** Declared embedding family, if any. */
  readonly embeddingFamily: string | undefined;
  /** Declared width of its vectors, if any. */
  readonly dimensions: number | undefined;
}

/** A target ready to run: `adapter` is what `ctx.target` is set to (named after the target). */
export interface ResolvedTarget extends TargetInfo {
  /** The adapter set as `ctx.target`: the original, or a wrapper carrying the target's name. */
  readonly target: Adapter;
  /** Whether the target accepts an assistant prefill (its `prefill`, else the adapter's `capabilities.prefill`). */
  readonly prefill: boolean;
}

/** True for an object that looks like an {@link Adapter}. */
export function isAdapter(value: unknown): value is Adapter {
  const v = value as Partial<Adapter> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.chat === 'function' && typeof v.stream === 'function';
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

/**
 * Validates and names the targets.
 * @throws {@link ConfigurationError} for an empty list, a malformed entry or two targets with the same name
 */
export function resolveTargets(targets: readonly FailoverTarget[]): ResolvedTarget[] {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new ConfigurationError(`failover: targets must be a non-empty array of adapters or { adapter, model?, weight?, maxContextTokens?, name? }, got ${Array.isArray(targets) ? 'an empty array' : show(targets)}`);
  }
  const seen = new Map<string, number>();
  return targets.map((entry, index) => {
    const field = `targets[${index}]`;
    const config: FailoverTargetConfig = isAdapter(entry) ? { adapter: entry } : (entry as FailoverTargetConfig);
    if (typeof config !== 'object' || config === null || !isAdapter(config.adapter)) {
      throw new ConfigurationError(`failover: ${field} must be an adapter or { adapter, … } with an adapter (name, chat, stream), got ${show(isAdapter(entry) ? entry : (config as { adapter?: unknown } | null)?.adapter ?? config)}`);
    }
    const { adapter, model, weight = 1, maxContextTokens, name, prefill, embeddingFamily, dimensions } = config;
    if (model !== undefined && (typeof model !== 'string' || model === '')) throw new ConfigurationError(`failover: ${field}.model must be a non-empty string, got ${show(model)}`);
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new ConfigurationError(`failover: ${field}.name must be a non-empty string, got ${show(name)}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new ConfigurationError(`failover: ${field}.weight must be a non-negative number, got ${show(weight)}`);
    if (maxContextTokens !== undefined && (!Number.isInteger(maxContextTokens) || maxContextTokens <= 0)) {
      throw new ConfigurationError(`failover: ${field}.maxContextTokens must be a positive integer, got ${show(maxContextTokens)}`);
    }
    if (prefill !== undefined && typeof prefill !== 'boolean') throw new ConfigurationError(`failover: ${field}.prefill must be a boolean, got ${show(prefill)}`);
    if (embeddingFamily !== undefined && (typeof embeddingFamily !== 'string' || embeddingFamily === '')) {
      throw new ConfigurationError(`failover: ${field}.embeddingFamily must be a non-empty string, got ${show(embeddingFamily)}`);
    }
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || dimensions <= 0)) {
      throw new ConfigurationError(`failover: ${field}.dimensions must be a positive integer, got ${show(dimensions)}`);
    }
    const targetName = name ?? (model === undefined ? adapter.name : `${adapter.name}:${model}`);
    const twin = seen.get(targetName);
    if (twin !== undefined) {
      throw new ConfigurationError(`failover: ${field} is named '${targetName}' like targets[${twin}]; give one of them a distinct name`);
    }
    seen.set(targetName, index);
    return {
      name: targetName,
      index,
      adapter,
      model,
      weight,
      maxContextTokens,
      embeddingFamily,
      dimensions,
      target: targetName === adapter.name ? adapter : renamed(adapter, targetName),
      prefill: prefill ?? adapter.capabilities?.prefill === true,
    };
  });
}

/** The request a target receives: the caller's, with the target's model swapped in (a copy, never a mutation). Embedding requests too. */
export function requestFor(target: TargetInfo, request: ChatRequest): ChatRequest {
  return target.model === undefined || target.model === request.model ? request : { ...request, model: target.model };
}

/** An adapter that behaves like `adapter` but is named `name`, and says so in the errors it raises. */
function renamed(adapter: Adapter, name: string): Adapter {
  const rename = (err: unknown): unknown => {
    if (err instanceof LifelineError && (err.provider === undefined || err.provider === adapter.name)) {
      (err as { provider: string | undefined }).provider = name;
    }
    return err;
  };
  const wrapper: Adapter = {
    name,
    kind: adapter.kind,
    ...(adapter.capabilities ? { capabilities: adapter.capabilities } : {}),
    ...(adapter.baseURL !== undefined ? { baseURL: adapter.baseURL } : {}),
    chat: (request: ChatRequest, call: AdapterCall) => adapter.chat(request, call).catch((err: unknown) => Promise.reject(rename(err))),
    async stream(request: ChatRequest, call: AdapterCall): Promise<AsyncIterable<ChatChunk>> {
      try {
        return renameStream(await adapter.stream(request, call), rename);
      } catch (err) {
        throw rename(err);
      }
    },
    ...(adapter.embed ? { embed: (request: EmbeddingRequest, call: AdapterCall) => adapter.embed!(request, call).catch((err: unknown) => Promise.reject(rename(err))) } : {}),
    ...(adapter.close ? { close: () => adapter.close!() } : {}),
  };
  return wrapper;
}

function renameStream(stream: AsyncIterable<ChatChunk>, rename: (err: unknown) => unknown): AsyncIterable<ChatChunk> {
  return tapStream(stream, { error: rename });
}
