/**
 * Lua scripts of the rate-limit store: the token-bucket arithmetic of `@lifeline/rate-limit`'s
 * memory store (levels in unit·ms, capacity = limit × 60 000, continuous refill), each method
 * one atomic round trip. KEYS[1] is the key's buckets (`rl`,`ru` requests level and update
 * time, `tl`,`tu` tokens), KEYS[2] the provider window (`rr`,`rrt`,`rt`,`rtt`,`hold`).
 * Numbers are written with `%.17g` so levels survive the round trip exactly.
 * @module
 */
import { LuaScript } from './lua.js';

const COMMON = `local M = 60000
local now = tonumber(ARGV[1])
local function fmt(x) return string.format('%.17g', x) end
local function refill(l, u, limit)
  l = tonumber(l); u = tonumber(u)
  if not l or not u then return limit * M, now end
  local el = now - u
  if el < 0 then el = 0 end
  return math.min(limit * M, l + el * limit), math.max(u, now)
end
local function ttl(level, limit)
  local t = math.ceil((limit * M - level) / limit) + 1000
  if t < 120000 then t = 120000 end
  return t
end
`;

/**
 * take / peek. ARGV: now, requests, tokens, rpm|'', tpm|'', 'take'|'peek'.
 * Returns {ok (1/0), waitMs}.
 */
export const RATE_TAKE = new LuaScript(
  'rate-limit.take',
  `${COMMON}
local creq, ctok = tonumber(ARGV[2]), tonumber(ARGV[3])
local rpm, tpm = tonumber(ARGV[4]), tonumber(ARGV[5])
local take = ARGV[6] == 'take'
local wait = 0
local p = redis.call('HMGET', KEYS[2], 'rr', 'rrt', 'rt', 'rtt', 'hold')
local rr, rrt, rt, rtt, hold = tonumber(p[1]), tonumber(p[2]), tonumber(p[3]), tonumber(p[4]), tonumber(p[5])
if hold and hold > now then wait = hold - now end
if rrt and rrt > now and rr and rr < creq then wait = math.max(wait, rrt - now) end
if rtt and rtt > now and rt and rt < ctok then wait = math.max(wait, rtt - now) end
local b = redis.call('HMGET', KEYS[1], 'rl', 'ru', 'tl', 'tu')
local rl, ru, tl, tu
local function need(cost, limit)
  if take then return math.min(cost, limit) * M end
  return cost * M
end
if rpm then
  rl, ru = refill(b[1], b[2], rpm)
  local n = need(creq, rpm)
  if rl < n then wait = math.max(wait, math.ceil((n - rl) / rpm)) end
end
if tpm then
  tl, tu = refill(b[3], b[4], tpm)
  local n = need(ctok, tpm)
  if tl < n then wait = math.max(wait, math.ceil((n - tl) / tpm)) end
end
if not take or wait > 0 then
  if wait > 0 then return {0, wait} end
  return {1, 0}
end
local expire = 120000
if rpm then
  rl = rl - math.min(creq, rpm) * M
  redis.call('HSET', KEYS[1], 'rl', fmt(rl), 'ru', fmt(ru))
  expire = math.max(expire, ttl(rl, rpm))
end
if tpm then
  tl = tl - math.min(ctok, tpm) * M
  redis.call('HSET', KEYS[1], 'tl', fmt(tl), 'tu', fmt(tu))
  expire = math.max(expire, ttl(tl, tpm))
end
if rpm or tpm then redis.call('PEXPIRE', KEYS[1], expire) end
if rr then redis.call('HSET', KEYS[2], 'rr', fmt(rr - creq)) end
if rt then redis.call('HSET', KEYS[2], 'rt', fmt(rt - ctok)) end
return {1, 0}`,
);

/** adjust. ARGV: now, requests delta, tokens delta, rpm|'', tpm|''. */
export const RATE_ADJUST = new LuaScript(
  'rate-limit.adjust',
  `${COMMON}
local dreq, dtok = tonumber(ARGV[2]), tonumber(ARGV[3])
local rpm, tpm = tonumber(ARGV[4]), tonumber(ARGV[5])
local b = redis.call('HMGET', KEYS[1], 'rl', 'ru', 'tl', 'tu')
local expire = 0
if rpm and dreq ~= 0 then
  local l, u = refill(b[1], b[2], rpm)
  l = math.min(rpm * M, l - dreq * M)
  redis.call('HSET', KEYS[1], 'rl', fmt(l), 'ru', fmt(u))
  expire = math.max(expire, ttl(l, rpm))
end
if tpm and dtok ~= 0 then
  local l, u = refill(b[3], b[4], tpm)
  l = math.min(tpm * M, l - dtok * M)
  redis.call('HSET', KEYS[1], 'tl', fmt(l), 'tu', fmt(u))
  expire = math.max(expire, ttl(l, tpm))
end
if expire > 0 then redis.call('PEXPIRE', KEYS[1], math.max(expire, redis.call('PTTL', KEYS[1]))) end
return 1`,
);

/** observe. ARGV: now, remainingRequests, resetRequestsAt, remainingTokens, resetTokensAt, holdUntil ('' = unchanged). */
export const RATE_OBSERVE = new LuaScript(
  'rate-limit.observe',
  `${COMMON}
local fields = {'rr', 'rrt', 'rt', 'rtt'}
for i = 1, 4 do
  if ARGV[i + 1] ~= '' then redis.call('HSET', KEYS[1], fields[i], ARGV[i + 1]) end
end
if ARGV[6] ~= '' then
  local h = tonumber(redis.call('HGET', KEYS[1], 'hold'))
  if not h or tonumber(ARGV[6]) > h then redis.call('HSET', KEYS[1], 'hold', ARGV[6]) end
end
local latest = now
for _, pair in ipairs({{'rr', 'rrt'}, {'rt', 'rtt'}}) do
  local reset = tonumber(redis.call('HGET', KEYS[1], pair[2]))
  if reset and reset <= now then redis.call('HDEL', KEYS[1], pair[1], pair[2])
  elseif reset then latest = math.max(latest, reset) end
end
local h = tonumber(redis.call('HGET', KEYS[1], 'hold'))
if h then latest = math.max(latest, h) end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], math.max(120000, math.ceil(latest - now) + 60000)) end
return 1`,
);
