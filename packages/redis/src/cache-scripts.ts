/**
 * Lua scripts of the cache store. KEYS[1] is the entry, KEYS[2] its single-flight lock (same
 * hash slot). Each is one round trip.
 * @module
 */
import { LuaScript } from './lua.js';

/**
 * Read an entry; on a miss, take the lock (this caller leads), or say who holds it.
 * ARGV: token, lockTtlMs, coalesce (1/0).
 * Returns {1, value} hit | {0} miss, no coalescing | {2} miss, lock taken | {3} miss, lock held
 * by this process | {4, pttl} miss, another process leads.
 */
export const CACHE_GET = new LuaScript(
  'cache.get',
  `local v = redis.call('GET', KEYS[1])
if v then return {1, v} end
if ARGV[3] == '0' then return {0} end
local holder = redis.call('GET', KEYS[2])
if not holder then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  return {2}
end
if holder == ARGV[1] then return {3} end
return {4, redis.call('PTTL', KEYS[2])}`,
);

/**
 * Store an entry; release the lock if this process holds it; announce the flight's end.
 * ARGV: value, ttlMs, token, channel, message.
 */
export const CACHE_SET = new LuaScript(
  'cache.set',
  `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[3] then redis.call('DEL', KEYS[2]) end
if holder then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return 1`,
);

/** Release the lock if this process holds it, and announce "no entry coming". ARGV: token, channel, message. */
export const CACHE_RELEASE = new LuaScript(
  'cache.release',
  `if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0`,
);

/** Extend the lock if this process still holds it. ARGV: token, lockTtlMs. */
export const CACHE_RENEW = new LuaScript(
  'cache.renew',
  `if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 0`,
);
