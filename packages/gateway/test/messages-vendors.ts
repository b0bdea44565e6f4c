import type { GatewayConfigInput } from '../src/config/types.js';
import { MODEL, startVendorGateway, VENDORS, type Vendor, type VendorGatewayOptions, type Vendors } from './vendors.js';

export type { Vendors };

/** The key clients use against the gateway. */
export const GATEWAY_KEY = 'gateway-key-0123456789';

/** A model of each vendor, as routes map to them. */
export const MODEL_OF: Record<Vendor, string> = MODEL;

/**
 * The vendors' gateway as the Messages tests use it: auth on ({@link GATEWAY_KEY}), a quick retry,
 * and by default one route per vendor: `via-openai`, `via-anthropic`, `via-gemini`.
 */
export function startVendors(options: { mock?: VendorGatewayOptions['mock']; routes?: GatewayConfigInput['routes']; config?: Partial<GatewayConfigInput> } = {}): Promise<Vendors> {
  return startVendorGateway({
    ...(options.mock && { mock: options.mock }),
    routes: options.routes ?? VENDORS.map((flavor) => ({ model: `via-${flavor}`, targets: [{ provider: flavor, model: MODEL[flavor] }] })),
    config: { auth: { keys: [GATEWAY_KEY] }, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 }, ...options.config },
  });
}
