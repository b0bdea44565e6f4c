/**
 * Lua scripts, sent in full once per connection: the first call of a script on a connection is
 * an `EVAL` (which also loads it), later ones `EVALSHA` by its SHA-1 (see `RedisConnection.run`).
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
