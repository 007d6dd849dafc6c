// Lua runs atomically inside Redis: no other command interleaves, so check-then-consume cannot race.
// Times are milliseconds from the service's clock (ARGV), so tests can move time; PEXPIRE only collects garbage.

/** KEYS: code, sends. ARGV: now, codeHash, ttlMs, cooldownMs, maxSendsPerHour, windowMs. */
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
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[2], 'a', 0, 'exp', now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return {'ok', 0}
`;

/** KEYS: code. ARGV: now, codeHash, maxAttempts. An exhausted code keeps an empty hash until it expires. */
export const VERIFY_SCRIPT = `
local stored = redis.call('HGET', KEYS[1], 'h')
if not stored then return 'missing' end
if stored == '' then return 'exhausted' end
if tonumber(ARGV[1]) >= tonumber(redis.call('HGET', KEYS[1], 'exp')) then
  redis.call('DEL', KEYS[1])
  return 'missing'
end
local given = ARGV[2]
local diff = 0
if #stored ~= #given then diff = 1 end
for i = 1, math.min(#stored, #given) do
  diff = bit.bor(diff, bit.bxor(string.byte(stored, i), string.byte(given, i)))
end
if diff == 0 then
  redis.call('DEL', KEYS[1])
  return 'ok'
end
if redis.call('HINCRBY', KEYS[1], 'a', 1) >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'h', '')
  return 'exhausted'
end
return 'invalid'
`;

/** KEYS: code, sends. ARGV: codeHash. Only the code that was issued is withdrawn, never a newer one. */
export const WITHDRAW_SCRIPT = `
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'next', 0) end
return 1
`;
