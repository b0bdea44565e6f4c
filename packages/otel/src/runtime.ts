/**
 * What one {@link otel} middleware shares across its calls: the tracer, the options, the
 * instruments of the current meter provider, and what it learnt about each target.
 * @module
 */
import { metrics, propagation, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import type { Adapter } from '@lifeline/core';
import { serverOf, type ServerAddress } from './attributes.js';
import { Instruments } from './instruments.js';
import type { ResolvedOtelOptions } from './options.js';

/** A target as the spans describe it. */
export interface TargetInfo {
  /** `gen_ai.provider.name`. */
  provider: string;
  /** `server.address` / `server.port`, when the adapter says where it calls. */
  server: ServerAddress | undefined;
}

/** Most targets remembered per middleware (names are few; the bound only guards against misuse). */
const MAX_TARGETS = 256;

/** Shared state of one middleware. */
export class Runtime {
  readonly #targets = new Map<string, TargetInfo>();
  #provider: unknown;
  #instruments: Instruments | undefined;

  constructor(
    readonly tracer: Tracer,
    readonly options: ResolvedOtelOptions,
  ) {}

  /** The instruments of the configured (or current global) meter provider. */
  instruments(): Instruments {
    const provider = this.options.meterProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider || this.#instruments === undefined) {
      this.#provider = provider;
      this.#instruments = Instruments.of(provider);
    }
    return this.#instruments;
  }

  /** The propagator for upstream trace context. */
  get propagator(): Pick<TextMapPropagator, 'inject'> {
    return this.options.propagator ?? propagation;
  }

  /** Learns (or re-reads) what a target is: provider name and server. */
  learn(adapter: Adapter): TargetInfo {
    const known = this.#targets.get(adapter.name);
    const server = serverOf(adapter.baseURL);
    if (known && known.server?.address === server?.address && known.server?.port === server?.port) return known;
    const info: TargetInfo = { provider: this.options.providerName({ name: adapter.name, kind: adapter.kind }), server };
    if (this.#targets.size >= MAX_TARGETS) this.#targets.delete(this.#targets.keys().next().value as string);
    this.#targets.set(adapter.name, info);
    return info;
  }

  /** What is known of target `name` (from an earlier call), if anything. */
  target(name: string | undefined): TargetInfo | undefined {
    return name === undefined ? undefined : this.#targets.get(name);
  }
}
