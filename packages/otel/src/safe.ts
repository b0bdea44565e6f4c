/**
 * Telemetry never breaks a call: a failure in recording (a throwing `providerName`, an SDK bug)
 * becomes a process warning, and the call goes on.
 * @module
 */

/** Runs `fn`; a throw becomes a `LifelineWarning` and `undefined`. */
export function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    process.emitWarning(`@lifeline/otel: recording telemetry failed: ${error instanceof Error ? error.message : String(error)}`, 'LifelineWarning');
    return undefined;
  }
}
