/**
 * Fastify makes a child logger for every request (`req.log`, bound to its request id); with the
 * built-in logger and its redaction paths that costs more than the rest of the request's logging.
 * Most requests never use it (the request line is written by `requestLog`): here the child is
 * made when a request first uses its logger.
 * @module
 */
import type { FastifyBaseLogger } from 'fastify';

type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogFn = FastifyBaseLogger['info'];

/**
 * Stands for `parent.child(bindings, options)`, and makes that child the first time a line is
 * written, the level is read or set, or a grandchild is made.
 * @example
 * ```ts
 * Fastify({ childLoggerFactory: lazyChildLogger });
 * ```
 */
export class LazyChildLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Record<string, unknown>;
  readonly #options: ChildOptions;
  #child: FastifyBaseLogger | undefined;

  /**
   * @param parent - the logger to derive from
   * @param bindings - the child's bindings (`{ reqId }`)
   * @param options - the child's options (`{}` when none)
   */
  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The real child (made now if it was not yet). */
  get real(): FastifyBaseLogger {
    if (this.#child === undefined) {
      const options = this.#options;
      this.#child = options === undefined || Object.keys(options).length === 0 ? this.#parent.child(this.#bindings) : this.#parent.child(this.#bindings, options);
    }
    return this.#child;
  }

  get level(): string {
    return this.real.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: Parameters<LogFn>): void {
    this.real.fatal(...args);
  }

  error(...args: Parameters<LogFn>): void {
    this.real.error(...args);
  }

  warn(...args: Parameters<LogFn>): void {
    this.real.warn(...args);
  }

  info(...args: Parameters<LogFn>): void {
    this.real.info(...args);
  }

  debug(...args: Parameters<LogFn>): void {
    this.real.debug(...args);
  }

  trace(...args: Parameters<LogFn>): void {
    this.real.trace(...args);
  }

  silent(...args: Parameters<LogFn>): void {
    this.real.silent(...args);
  }

  child(bindings: Record<string, unknown>, options?: ChildOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/**
 * Fastify's `childLoggerFactory`: a {@link LazyChildLogger} per request.
 *
 * @param parent - the app's logger
 * @param bindings - the request's bindings (`{ reqId }`)
 * @param options - child options (`{}` when none)
 * @returns the request's logger
 */
export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options) as unknown as FastifyBaseLogger;
}
