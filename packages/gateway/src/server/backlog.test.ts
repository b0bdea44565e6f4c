import { connect, type Socket } from 'node:net';
import { flush } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../config/check.js';
import { validateConfig } from '../config/validate.js';
import { closeAfterEach, startConfigGateway } from '../../test/config-gateway.js';

const providers = { relay: { kind: 'openai' as const, baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' } };
const routes = [{ model: '*', targets: ['relay'] }];
const track = closeAfterEach();

/**
 * Opens `n` connections in one burst and counts how many completed their handshake a few event-loop
 * turns later. `connect()` sends its SYN on the next tick, so all `n` go out before this process
 * (the server's too) accepts any: the kernel completes handshakes for as many as the listen queue
 * holds, at once; the rest have their SYN dropped and retry after a second. Turns, not a sleep:
 * the count does not depend on how fast a loaded machine runs this process.
 */
async function connectedInABurst(url: string, n: number): Promise<number> {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  let connected = 0;
  for (let i = 0; i < n; i++) {
    const socket = connect(Number(port), hostname, () => connected++);
    socket.on('error', () => undefined);
    sockets.push(socket);
  }
  await flush(50);
  for (const s of sockets) s.destroy();
  return connected;
}

describe('server.backlog', () => {
  it('defaults to 4096 and refuses nonsense', () => {
    expect(validateConfig({ providers, routes }).server.backlog).toBe(4096);
    expect(validateConfig({ providers, routes, server: { backlog: 16 } }).server.backlog).toBe(16);
    for (const bad of [0, 1.5, 70_000, 'many']) {
      let error: unknown;
      try {
        validateConfig({ providers, routes, server: { backlog: bad } } as never);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).issues).toEqual([`server.backlog: expected an integer between 1 and 65535, got ${JSON.stringify(bad)}`]);
    }
  });

  // The listen queue's behaviour (a full queue drops SYNs) is Linux's.
  it.runIf(process.platform === 'linux')('is the listen queue: a burst of connects beyond it waits, within it is accepted', async () => {
    const small = track(await startConfigGateway({ providers, routes, server: { backlog: 4 } }));
    const large = track(await startConfigGateway({ providers, routes }));
    // Linux queues backlog + 1 connections; the others retry their SYN after ~1 s.
    expect(await connectedInABurst(small.url, 40)).toBeLessThanOrEqual(8);
    expect(await connectedInABurst(large.url, 40)).toBe(40);
  });
});
