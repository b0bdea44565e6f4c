/**
 * Lua scripts of the budget store: one hash per scope and window — `spent` and `reserved` in
 * integer nano-USD (written with `%.0f`, exact up to 2^53), and one field `r:<id>` per open
 * reservation holding its amount, so that a settlement applies at most once. On a single Redis
 * the previous format's hash of the same scope and window (KEYS[2], written by processes of the
 * previous release during a rolling upgrade) counts towards the limit too.
 * @module
 */
import { LuaScript } from './lua.js';

/** Reads `spent + reserved` of the current hash and of the previous format's, when given. */
const USED = `local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent, reserved = tonumber(v[1]) or 0, tonumber(v[2]) or 0
local legacySpent, legacyReserved = 0, 0
if KEYS[2] then
  local l = redis.call('HMGET', KEYS[2], 'spent', 'reserved')
  legacySpent, legacyReserved = tonumber(l[1]) or 0, tonumber(l[2]) or 0
end
`;

/**
 * Reserve `amount` if it fits: `spent + reserved + amount <= limit`, and open reservation `id`.
 * KEYS[1]: the window's hash; KEYS[2] (optional): the previous format's. ARGV: amount, limit
 * (nano-USD), ttlMs, id. Returns {ok (1/0), remaining nano-USD}.
 */
export const BUDGET_RESERVE = new LuaScript(
  'budget.reserve',
  `${USED}local used = spent + reserved + legacySpent + legacyReserved
local amount, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
if used + amount > limit then return {0, limit - used} end
redis.call('HSET', KEYS[1], 'spent', string.format('%.0f', spent), 'reserved', string.format('%.0f', reserved + amount), 'r:' .. ARGV[4], string.format('%.0f', amount))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, limit - used - amount}`,
);

/**
 * Release a reservation and add the actual cost, in one step. With an id (ARGV[3] not empty)
 * only while reservation `id` is open — it is then closed, and the amount it reserved is
 * released — so a settlement sent twice counts once. A window that no longer exists is left
 * alone. ARGV: reserved, actual (nano-USD), id. Returns 1 when applied, 0 when not.
 */
export const BUDGET_SETTLE = new LuaScript(
  'budget.settle',
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local release = tonumber(ARGV[1])
if ARGV[3] ~= '' then
  local open = redis.call('HGET', KEYS[1], 'r:' .. ARGV[3])
  if not open then return 0 end
  release = tonumber(open)
  redis.call('HDEL', KEYS[1], 'r:' .. ARGV[3])
end
local v = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local reserved = (tonumber(v[2]) or 0) - release
if reserved < 0 then reserved = 0 end
redis.call('HSET', KEYS[1], 'spent', string.format('%.0f', (tonumber(v[1]) or 0) + tonumber(ARGV[2])), 'reserved', string.format('%.0f', reserved))
return 1`,
);

/** Spend and reservations of a window, both formats summed. Returns {spent, reserved} nano-USD. */
export const BUDGET_USAGE = new LuaScript(
  'budget.usage',
  `${USED}return {string.format('%.0f', spent + legacySpent), string.format('%.0f', reserved + legacyReserved)}`,
);
