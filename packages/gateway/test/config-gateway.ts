import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { GatewayConfigInput } from '../src/config/types.js';
import { createGateway, type Gateway, type GatewayRuntimeOptions } from '../src/server/create-gateway.js';

/** A gateway built from a config object, listening on 127.0.0.1:0. */
export interface ConfigGateway {
  gateway: Gateway;
  url: string;
  close(): Promise<void>;
}

/** Starts `createGateway(config)` on a free loopback port, silent unless `runtime` says otherwise. */
export async function startConfigGateway(config: GatewayConfigInput, runtime: GatewayRuntimeOptions = {}): Promise<ConfigGateway> {
  const gateway = createGateway({ ...config, server: { logLevel: 'silent', ...config.server } }, runtime);
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { gateway, url, close: () => gateway.close() };
}

/** A pino logger whose lines (parsed) land in `lines`. */
export function capturingLogger(level = 'debug'): { logger: GatewayRuntimeOptions['logger'] & object; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

/** Reads a response body to its end, failing (instead of hanging) after `ms`. */
export async function readAll(res: Response, ms = 5_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the response body did not end within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([res.text(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers an `afterEach` that closes, newest first, everything passed to the returned `track`
 * during the test (gateways before the mock providers they call).
 */
export function closeAfterEach(): <T extends { close(): Promise<unknown> }>(thing: T) => T {
  const open: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    open.push(thing);
    return thing;
  };
}
