/**
 * Lua scripts of the budget store: one hash per scope and window, `spent` and `reserved` in
 * integer nano-USD (written with `%.0f`, exact up to 2^53).
 * @module
 */
import { LuaScript } from './lua.js';

/**
 * Reserve `amount` if it fits: `spent + reserved + amount <= limit`. KEYS[1]: the window's hash.
 * ARGV: amount, limit (nano-USD), ttlMs. Returns {ok (1/0), remaining nano-USD}.
 */
export const BUDGET_RESERVE = new LuaScript(
  'budget.reserve',
  `local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent, reserved = tonumber(v[1]) or 0, tonumber(v[2]) or 0
local amount, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
if spent + reserved + amount > limit then return {0, limit - spent - reserved} end
redis.call('HSET', KEYS[1], 'spent', string.format('%.0f', spent), 'reserved', string.format('%.0f', reserved + amount))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, limit - spent - reserved - amount}`,
);

/**
 * Release a reservation and add the actual cost, in one step; a window that no longer exists
 * is left alone. ARGV: reserved, actual (nano-USD).
 */
export const BUDGET_SETTLE = new LuaScript(
  'budget.settle',
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local reserved = (tonumber(v[2]) or 0) - tonumber(ARGV[1])
if reserved < 0 then reserved = 0 end
redis.call('HSET', KEYS[1], 'spent', string.format('%.0f', (tonumber(v[1]) or 0) + tonumber(ARGV[2])), 'reserved', string.format('%.0f', reserved))
return 1`,
);
