import { startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import type { GatewayConfigInput } from '../src/config/types.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';

/** The upstream vendors a front door is served by. */
export const VENDORS = ['openai', 'anthropic', 'gemini'] as const;
export type Vendor = (typeof VENDORS)[number];

/** The model each vendor's route serves (`gpt-*`, `claude-*`, `gemini-*`). */
export const MODEL: Record<Vendor, string> = { openai: 'gpt-4.1', anthropic: 'claude-sonnet-4-5', gemini: 'gemini-2.5-flash' };

export const UPSTREAM_KEY = 'upstream-test-key';

export interface Vendors {
  gateway: Gateway;
  /** `http://127.0.0.1:PORT` */
  url: string;
  mocks: Record<Vendor, MockProvider>;
  close(): Promise<void>;
}

/** How {@link startVendorGateway} sets up the mocks and the gateway. */
export interface VendorGatewayOptions {
  /** Extra options of each vendor's mock (faults, scripts, text). */
  mock?: (flavor: Vendor) => Omit<MockProviderOptions, 'flavor' | 'apiKey'>;
  /** The gateway's routes to the three providers (named after the vendors). */
  routes: GatewayConfigInput['routes'];
  /** Anything else of the gateway's config (cache and fallback are off unless given here). */
  config?: Partial<GatewayConfigInput>;
}

/** Starts an OpenAI, an Anthropic and a Gemini mock and one gateway whose providers are named after them. */
export async function startVendorGateway(options: VendorGatewayOptions): Promise<Vendors> {
  const started = await Promise.all(VENDORS.map((flavor) => startMockProvider({ flavor, apiKey: UPSTREAM_KEY, ...options.mock?.(flavor) })));
  const mocks = { openai: started[0]!, anthropic: started[1]!, gemini: started[2]! };
  const gateway = createGateway({
    server: { logLevel: 'silent' },
    providers: {
      openai: { kind: 'openai', baseURL: mocks.openai.url, apiKey: UPSTREAM_KEY },
      anthropic: { kind: 'anthropic', baseURL: mocks.anthropic.url, apiKey: UPSTREAM_KEY },
      gemini: { kind: 'gemini', baseURL: mocks.gemini.url, apiKey: UPSTREAM_KEY },
    },
    routes: options.routes,
    cache: false,
    fallback: { enabled: false },
    ...options.config,
  });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    gateway,
    url,
    mocks,
    async close() {
      await gateway.close();
      await Promise.all(started.map((m) => m.close()));
    },
  };
}

/**
 * One gateway in front of the OpenAI, Anthropic and Gemini mocks: `gpt-*` goes to OpenAI,
 * `claude-*` to Anthropic, `gemini-*` to Gemini; `failover-*` tries OpenAI, then Anthropic.
 */
export function startVendors(extra: Partial<GatewayConfigInput> = {}): Promise<Vendors> {
  return startVendorGateway({
    routes: [
      { model: 'gpt-*', targets: ['openai'] },
      { model: 'claude-*', targets: ['anthropic'] },
      { model: 'gemini-*', targets: ['gemini'] },
      { model: 'failover-*', targets: [{ provider: 'openai', model: 'gpt-4.1' }, { provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
    ],
    config: { retry: false, ...extra },
  });
}

/** A weather tool's JSON schema, as the SDK tests send it. */
export const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
} as const;
