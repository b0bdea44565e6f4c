/**
 * Lua scripts, sent once: each is called with `EVALSHA` by its SHA-1; a server that does not
 * know it yet (first use, restart, `SCRIPT FLUSH`) answers `NOSCRIPT`, and the call is repeated
 * with `EVAL`, which also loads it for the next time.
 * @module
 */
import { createHash } from 'node:crypto';

/** One Lua script and its SHA-1. */
export class LuaScript {
  /** SHA-1 of the source, as `EVALSHA` wants it. */
  readonly sha: string;

  /**
   * @param name - short name for messages (`rate-limit.take`)
   * @param source - the Lua source
   */
  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}
