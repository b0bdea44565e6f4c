/**
 * A connector with a precise connect timeout, for the pools of {@link HttpPool}.
 * @module
 */
import type { Socket } from 'node:net';
import { buildConnector, errors } from 'undici';

/**
 * undici's connector with a precise connect timeout (TCP connect plus TLS handshake): undici's
 * own connect timer has a resolution of about a second.
 *
 * @param timeoutMs - the limit; past it the connection fails with undici's `ConnectTimeoutError`
 * @param protocol - `h2c`: speak HTTP/2 with prior knowledge over `http://`; `preferH2`: offer `h2`
 *   before `http/1.1` in TLS's ALPN (by default `http/1.1` comes first and the server picks)
 * @example
 * ```ts
 * new Pool(origin, { connect: preciseConnector(5_000) });
 * ```
 */
export function preciseConnector(timeoutMs: number, protocol: { h2c?: boolean; preferH2?: boolean } = {}): buildConnector.connector {
  const base = buildConnector({ timeout: 0, ...(protocol.h2c && { useH2c: true }), ...(protocol.preferH2 && { preferH2: true }) } as buildConnector.BuildOptions);
  return (options, callback) => {
    let settled = false;
    let socket: Socket | undefined;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      callback(new errors.ConnectTimeoutError(`Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${timeoutMs}ms)`), null);
    }, timeoutMs);
    timer.unref();
    // buildConnector's connector returns the socket it opens, although its type says void.
    socket = (base as (...args: Parameters<buildConnector.connector>) => unknown)(options, (...args) => {
      if (settled) {
        args[1]?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      callback(...args);
    }) as Socket | undefined;
  };
}
