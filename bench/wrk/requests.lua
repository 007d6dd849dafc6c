-- wrk script of `bun run bench` (bench/load.ts writes the environment below).
-- BENCH_METHOD, BENCH_PATH: the request line. BENCH_BODIES: a file with one JSON body per line, each sent
-- once (prepared codes and refresh tokens are single use) unless BENCH_REPEAT=1. BENCH_TOKENS: a file with one bearer token per
-- line, used in turn. BENCH_DELAY_MS: a pause before each request of a connection (a light probe, not a
-- flood). BENCH_THREADS: wrk's -t, so that each thread takes its own share of the bodies.
-- done() prints one JSON line; "exhausted" counts requests sent after the bodies ran out (each is a reuse).

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function lines_of(file)
  local list = {}
  if file == nil or file == "" then return list end
  for line in io.lines(file) do
    if line ~= "" then table.insert(list, line) end
  end
  return list
end

local prepared = {}
local count = 0
local index = 0
exhausted = 0
statuses = {}

function init(args)
  local id = tonumber(wrk.thread:get("id"))
  local bodies = lines_of(os.getenv("BENCH_BODIES"))
  local tokens = lines_of(os.getenv("BENCH_TOKENS"))
  local base = { ["Host"] = "127.0.0.1", ["Accept"] = "application/json" }
  local total = math.max(#bodies, #tokens, 1)
  for i = 1, total do
    if (i - 1) % thread_count == id then
      local headers = {}
      for k, v in pairs(base) do headers[k] = v end
      local body = nil
      if #bodies > 0 then
        body = bodies[i]
        headers["Content-Type"] = "application/json"
      end
      if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[(i - 1) % #tokens + 1] end
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
  end
  count = #prepared
end

function request()
  index = index + 1
  if index > count then
    if #os.getenv("BENCH_BODIES") > 0 and os.getenv("BENCH_REPEAT") ~= "1" then exhausted = exhausted + 1 end
    index = 1
  end
  return prepared[index]
end

if delay_ms > 0 then
  function delay() return delay_ms end
end

if os.getenv("BENCH_STATUSES") == "1" then
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local spent = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    spent = spent + (thread:get("exhausted") or 0)
    for status, n in pairs(thread:get("statuses") or {}) do merged[status] = (merged[status] or 0) + n end
  end
  local by_status = {}
  for status, n in pairs(merged) do by_status[#by_status + 1] = string.format('"%d":%d', status, n) end
  local e = summary.errors
  io.write(string.format(
    '{"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"exhausted":%d,"statuses":{%s}}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, spent,
    table.concat(by_status, ",")))
end
