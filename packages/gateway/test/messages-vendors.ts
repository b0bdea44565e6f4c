import { startMockProvider, type Flavor, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import type { GatewayConfigInput } from '../src/config/types.js';
import { createGateway, type Gateway } from '../src/server/create-gateway.js';

/** The upstream key every mock expects. */
export const UPSTREAM_KEY = 'upstream-key-0123456789';
/** The key clients use against the gateway. */
export const GATEWAY_KEY = 'gateway-key-0123456789';

/** A model of each vendor, as routes map to them. */
export const MODEL_OF: Record<Flavor, string> = { openai: 'gpt-4.1', anthropic: 'claude-sonnet-4-5', gemini: 'gemini-2.5-flash' };

export interface Vendors {
  gateway: Gateway;
  url: string;
  mocks: Record<Flavor, MockProvider>;
  close(): Promise<void>;
}

/**
 * Starts an OpenAI, an Anthropic and a Gemini mock and a gateway (auth on) whose providers are
 * named after them. `routes` default to one route per vendor: `via-openai`, `via-anthropic`,
 * `via-gemini`.
 */
export async function startVendors(options: {
  mock?: (flavor: Flavor) => Omit<MockProviderOptions, 'flavor' | 'apiKey'>;
  routes?: GatewayConfigInput['routes'];
  config?: Partial<GatewayConfigInput>;
} = {}): Promise<Vendors> {
  const flavors = ['openai', 'anthropic', 'gemini'] as const;
  const started = await Promise.all(flavors.map((flavor) => startMockProvider({ flavor, apiKey: UPSTREAM_KEY, ...options.mock?.(flavor) })));
  const mocks = { openai: started[0]!, anthropic: started[1]!, gemini: started[2]! };
  const gateway = createGateway({
    server: { logLevel: 'silent' },
    auth: { keys: [GATEWAY_KEY] },
    providers: {
      openai: { kind: 'openai', baseURL: mocks.openai.url, apiKey: UPSTREAM_KEY },
      anthropic: { kind: 'anthropic', baseURL: mocks.anthropic.url, apiKey: UPSTREAM_KEY },
      gemini: { kind: 'gemini', baseURL: mocks.gemini.url, apiKey: UPSTREAM_KEY },
    },
    routes: options.routes ?? flavors.map((flavor) => ({ model: `via-${flavor}`, targets: [{ provider: flavor, model: MODEL_OF[flavor] }] })),
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 },
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
