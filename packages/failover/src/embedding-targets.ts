/**
 * Which targets may answer an embedding call. Vectors of different models live in different
 * spaces: a vector from model B compared with an index built by model A gives meaningless
 * similarities, silently. So an embedding call fails over only to targets that produce the same
 * vectors — the same model at another endpoint, key or region — or to targets the route declares
 * interchangeable with a shared `embeddingFamily` (the same model under another name, e.g. an
 * Azure deployment), whose `dimensions` must agree.
 * @module
 */
import { ConfigurationError, embeddingWidth, NO_EMBEDDINGS_API, ServerError, type Context, type EmbeddingRequest } from '@lifeline/core';
import type { ResolvedTarget, TargetInfo } from './target.js';

/** The vector space a target's embeddings live in: its `embeddingFamily`, else the model it sends. */
export function embeddingFamilyOf(target: TargetInfo, requestModel: string): string {
  return target.embeddingFamily ?? target.model ?? requestModel;
}

/**
 * Setup-time check: targets that declare the same `embeddingFamily` must not declare different
 * `dimensions` (their vectors could not be compared).
 * @throws {@link ConfigurationError} naming both targets
 */
export function checkEmbeddingFamilies(targets: readonly ResolvedTarget[]): void {
  const widths = new Map<string, ResolvedTarget>();
  for (const t of targets) {
    if (t.embeddingFamily === undefined || t.dimensions === undefined) continue;
    const other = widths.get(t.embeddingFamily);
    if (other && other.dimensions !== t.dimensions) {
      throw new ConfigurationError(
        `failover: targets[${t.index}] ('${t.name}') declares dimensions ${t.dimensions} in embeddingFamily '${t.embeddingFamily}' but targets[${other.index}] ('${other.name}') declares ${other.dimensions}: vectors of different widths are not interchangeable`,
      );
    }
    widths.set(t.embeddingFamily, t);
  }
}

/** How one embedding call may use the targets. */
export interface EmbeddingRoute {
  /** Whether a target may answer this call. */
  accept(target: ResolvedTarget): boolean;
  /**
   * Checks an attempt's answer: the vectors must have the width the call expects (the request's
   * `dimensions`, else the one the family declares).
   * @throws {@link ServerError} (not retryable; fails over) for vectors of another width
   */
  verify(child: Context, target: ResolvedTarget): void;
}

/**
 * The targets an embedding call may use: the first target (in the order given to `failover()`)
 * that has an embeddings API sets the vector space (its family); others join only with the same
 * family and, when both declare `dimensions` and the request sets none, the same width. Targets
 * without an embeddings API (Anthropic) are skipped.
 *
 * @throws {@link ConfigurationError} when no target has an embeddings API
 */
export function embeddingRoute(targets: readonly ResolvedTarget[], request: EmbeddingRequest): EmbeddingRoute {
  const capable = (t: ResolvedTarget) => typeof t.adapter.embed === 'function';
  const anchor = targets.find(capable);
  if (!anchor) {
    const names = targets.map((t) => `'${t.name}' (${t.adapter.kind})`).join(', ');
    throw new ConfigurationError(`failover: no target has an embeddings API for this embedding call (${names}); add an openai() or gemini() target`, { providerCode: NO_EMBEDDINGS_API });
  }
  const family = embeddingFamilyOf(anchor, request.model);
  const width = request.dimensions ?? anchor.dimensions ?? targets.find((t) => capable(t) && embeddingFamilyOf(t, request.model) === family && t.dimensions !== undefined)?.dimensions;
  return {
    accept(t) {
      if (!capable(t) || embeddingFamilyOf(t, request.model) !== family) return false;
      return request.dimensions !== undefined || t.dimensions === undefined || anchor.dimensions === undefined || t.dimensions === anchor.dimensions;
    },
    verify(child, target) {
      if (width === undefined) return;
      const data = child.embeddingResponse?.data ?? [];
      const wrong = data.find((d) => embeddingWidth(d.embedding) !== width);
      if (!wrong) return;
      throw new ServerError(
        `${target.name}: returned ${embeddingWidth(wrong.embedding)}-dimensional vectors where ${width} were expected (embeddingFamily '${family}'): not comparable, so not used`,
        { provider: target.name, retryable: false },
      );
    },
  };
}
