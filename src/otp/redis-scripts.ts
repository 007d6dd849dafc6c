// Lua runs atomically inside Redis: no other command interleaves, so check-then-consume cannot race.
// Times are milliseconds from the service's clock (ARGV), so tests can move time; PEXPIRE only collects garbage.

/**
 * KEYS: code, sends (of the send class). ARGV: now, codeHash, ttlMs, cooldownMs, maxSendsPerHour, windowMs,
 * bindingHash, passwordVersion, keepBinding ('1': carry the binding and version over from the code replaced).
 */
export const ISSUE_SCRIPT = `
local now = tonumber(ARGV[1])
local cooldown_until = tonumber(redis.call('HGET', KEYS[2], 'next') or '0')
if now < cooldown_until then return {'cooldown', cooldown_until - now} end
local window = tonumber(ARGV[6])
local window_start = tonumber(redis.call('HGET', KEYS[2], 'win') or '0')
local sent = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
if now - window_start >= window then window_start = now; sent = 0 end
if sent >= tonumber(ARGV[5]) then return {'hourly_cap', window_start + window - now} end
redis.call('HSET', KEYS[2], 'next', now + tonumber(ARGV[4]), 'win', window_start, 'n', sent + 1)
redis.call('PEXPIRE', KEYS[2], math.max(1, window_start + window - now))
local binding, version = ARGV[7], ARGV[8]
if ARGV[9] == '1' then
  local old = redis.call('HMGET', KEYS[1], 't', 'pv')
  if old[1] then binding = old[1] end
  if old[2] then version = old[2] end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[2], 'a', 0, 'exp', now + tonumber(ARGV[3]), 't', binding, 'pv', version)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return {'ok', 0}
`;

/**
 * KEYS: code, open failures, bound failures. ARGV: now, codeHash, maxAttempts, bindingHash, windowMs,
 * maxFailuresPerWindow. Returns {status, retryAfterMs, bound (0/1), passwordVersion}. An exhausted code keeps
 * an empty hash until it expires. The failure window starts at its first wrong try.
 */
export const VERIFY_SCRIPT = `
local function same(a, b)
  if #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i))) end
  return diff == 0
end
local now = tonumber(ARGV[1])
local entry = redis.call('HMGET', KEYS[1], 'h', 'exp', 't', 'pv')
local stored = entry[1]
if not stored then return {'missing', 0, 0, -1} end
if now >= tonumber(entry[2]) then
  redis.call('DEL', KEYS[1])
  return {'missing', 0, 0, -1}
end
local binding = entry[3] or ''
local bound = binding ~= '' and same(binding, ARGV[4])
local failures = KEYS[2]
if bound then failures = KEYS[3] end
local window = tonumber(ARGV[5])
local counted = redis.call('HMGET', failures, 'n', 'win')
local fails, window_start = tonumber(counted[1] or '0'), tonumber(counted[2] or '0')
if now - window_start >= window then fails = 0; window_start = now end
local flag = 0
if bound then flag = 1 end
if fails >= tonumber(ARGV[6]) then return {'locked', window_start + window - now, flag, -1} end
if stored == '' then return {'exhausted', 0, flag, -1} end
if same(stored, ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return {'ok', 0, flag, tonumber(entry[4] or '-1')}
end
redis.call('HSET', failures, 'n', fails + 1, 'win', window_start)
redis.call('PEXPIRE', failures, math.max(1, window_start + window - now))
if redis.call('HINCRBY', KEYS[1], 'a', 1) >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'h', '')
  return {'exhausted', 0, flag, -1}
end
return {'invalid', 0, flag, -1}
`;

/** KEYS: code, sends (of the class that issued it). ARGV: codeHash. Only the code that was issued is withdrawn, never a newer one. */
export const WITHDRAW_SCRIPT = `
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'next', 0) end
return 1
`;
