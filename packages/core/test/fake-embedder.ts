import type { Adapter, AdapterCall, EmbeddingRequest, EmbeddingResponse } from '../src/index.js';
import { embeddingItems, encodeEmbedding } from '../src/index.js';
import { fakeAdapter } from './fake-adapter.js';

/** Options of {@link fakeEmbedder}. */
export interface FakeEmbedderOptions {
  name?: string;
  /** Called per attempt; may throw, never resolve, or return a custom response. */
  onEmbed?: (request: EmbeddingRequest, call: AdapterCall, n: number) => EmbeddingResponse | void | Promise<EmbeddingResponse | void>;
  /** Leave `usage` out of the answer (a provider that reports none). */
  noUsage?: boolean;
}

/** A vector that says which item it embeds: `[index, chars, 0.5]`. */
export function vectorFor(item: string | number[], index: number): number[] {
  return [index, typeof item === 'string' ? item.length : item.length, 0.5];
}

/** An in-process adapter with `embed` (core cannot depend on @lifeline/testing). */
export function fakeEmbedder(options: FakeEmbedderOptions = {}): Adapter & { embeds: Array<{ request: EmbeddingRequest; call: AdapterCall }> } {
  const embeds: Array<{ request: EmbeddingRequest; call: AdapterCall }> = [];
  return {
    ...fakeAdapter({ name: options.name ?? 'embedder' }),
    embeds,
    async embed(request: EmbeddingRequest, call: AdapterCall): Promise<EmbeddingResponse> {
      embeds.push({ request, call });
      const custom = await options.onEmbed?.(request, call, embeds.length - 1);
      if (custom) return custom;
      const items = embeddingItems(request.input);
      const data = items.map((item, index) => {
        const v = vectorFor(item, index);
        return { object: 'embedding' as const, index, embedding: request.encoding_format === 'base64' ? encodeEmbedding(v) : v };
      });
      const response: EmbeddingResponse = { object: 'list', data, model: request.model, usage: { prompt_tokens: items.length * 2, total_tokens: items.length * 2 } };
      if (options.noUsage) delete (response as Partial<EmbeddingResponse>).usage;
      return response;
    },
  };
}
