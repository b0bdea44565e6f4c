/**
 * Yielding to the event loop from a test.
 *
 * @module
 */

/**
 * Lets pending work run: waits `turns` event-loop turns (`setImmediate`). Each turn runs every
 * queued promise reaction first, then I/O callbacks, so a promise chain or a loopback exchange
 * that needs a few hops settles without a real-time sleep.
 *
 * @param turns - how many turns to wait
 * @defaultValue turns = 20
 * @example
 * ```ts
 * const pending = client.chat(request);
 * await flush();
 * expect(adapter.calls).toHaveLength(1);
 * ```
 */
export async function flush(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
