#!/usr/bin/env node
/**
 * The `lifeline` executable: `lifeline demo | serve | check | prices | help`.
 * @module
 */
import { runCli } from './cli/main.js';
import { tuneHeapForServing } from './server/heap-tuning.js';

// Before any request: objects made once per request must not be pretenured (see heap-tuning.ts).
tuneHeapForServing();

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while shutting down forces the exit.
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  untilSignal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lifeline: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
