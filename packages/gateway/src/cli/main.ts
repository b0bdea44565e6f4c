/**
 * Argument parsing and dispatch of the `lifeline` CLI.
 * @module
 */
import { parseArgs } from 'node:util';
import { ConfigurationError } from '@lifeline/core';
import type { LogLevel } from '../config/types.js';
import { check, demo, prices, serve, type CliIO } from './commands.js';

/** The help text. */
export const USAGE = `Usage: lifeline <command> [options]

Commands:
  demo                      Start mock providers and the gateway, run a live failover demo, keep serving
    --port <n>              Gateway port (default 8787; a free port is used when taken)
    --host <addr>           Listen address (default 127.0.0.1)
    --no-drive              Skip the live demo
    --once                  Run the live demo, then exit
  serve                     Run the gateway
    --config <file>         YAML or JSON config (default lifeline.yaml)
    --host <addr>, --port <n>, --log-level <level>   Override server.*
  check --config <file>     Validate a config (env vars, catalogs) without starting
  prices                    Relay prices against official prices, as a table
    --catalog <file>        Your relay's catalog (default: the seed tutorial's relay prices)
    --reference <file>      Prices to compare against (default: official list prices)
    --monthly-input <tok>, --monthly-output <tok>   Project a monthly bill
  help                      Show this help

Docs: https://github.com/lifeline (packages/gateway/README.md); example config: lifeline.example.yaml`;

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A usage mistake (unknown option, bad value): exit code 2. */
export class UsageError extends Error {}

function number(name: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Runs the CLI.
 *
 * @param argv - arguments after the program name (`['serve', '--config', 'lifeline.yaml']`)
 * @param io - output and signals
 * @returns the exit code: 0 ok, 1 failure (invalid config…), 2 usage error
 * @example
 * ```ts
 * const code = await runCli(['check', '--config', 'lifeline.yaml'], { out: console.log, err: console.error, env: process.env, untilSignal });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo': {
        const { values } = parseArgs({ args: [...rest], strict: true, allowPositionals: false, allowNegative: true, options: { port: { type: 'string' }, host: { type: 'string' }, drive: { type: 'boolean', default: true }, once: { type: 'boolean', default: false } } });
        return await demo(io, { port: number('port', values.port, true), host: values.host, drive: values.drive, once: values.once });
      }
      case 'serve': {
        const { values } = parseArgs({ args: [...rest], strict: true, allowPositionals: false, options: { config: { type: 'string', short: 'c', default: 'lifeline.yaml' }, host: { type: 'string' }, port: { type: 'string' }, 'log-level': { type: 'string' } } });
        const level = values['log-level'];
        if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
        return await serve(io, { config: values.config, host: values.host, port: number('port', values.port, true), logLevel: level as LogLevel | undefined });
      }
      case 'check': {
        const { values } = parseArgs({ args: [...rest], strict: true, allowPositionals: false, options: { config: { type: 'string', short: 'c', default: 'lifeline.yaml' } } });
        return await check(io, { config: values.config });
      }
      case 'prices': {
        const { values } = parseArgs({ args: [...rest], strict: true, allowPositionals: false, options: { catalog: { type: 'string' }, reference: { type: 'string' }, 'monthly-input': { type: 'string' }, 'monthly-output': { type: 'string' } } });
        return prices(io, { catalog: values.catalog, reference: values.reference, monthlyInput: number('monthly-input', values['monthly-input']), monthlyOutput: number('monthly-output', values['monthly-output']) });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; expected demo, serve, check, prices or help`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`lifeline: ${(err as Error).message}\nRun "lifeline help" for usage.`);
      return 2;
    }
    if (err instanceof ConfigurationError) {
      io.err(`lifeline: ${err.message}`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      io.err(`lifeline: cannot listen: ${e.message}`);
      return 1;
    }
    throw err;
  }
}
