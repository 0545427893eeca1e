-- Engine throughput under LuaJIT (the compiled TypeScript the gateway runs), on bench/fixtures/request-8k.json.
-- Prints JSON figures on the last line for bench/engine.ts. HMAC-SHA1 via OpenSSL (FFI), as ngx.hmac_sha1 does in nginx.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"

-- BENCH_BODY: another request (bench/load.ts compares request sizes with it)
local body = require "fixture"(os.getenv("BENCH_BODY") or "bench/fixtures/request-8k.json")
local iterations = tonumber(os.getenv("BENCH_ITERATIONS") or "20000")
local runs = tonumber(os.getenv("BENCH_RUNS") or "5")
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
-- BENCH_LEARNED=N: every session carries a tenant memory of N learned names (none of them in the body: the matcher's
-- cost, not its hits); cold runs also empty the memory's per-string cache
local learned = tonumber(os.getenv("BENCH_LEARNED") or "0")
local memory
if learned > 0 then
  memory = E.newMemory(learned + 10)
  for k = 1, learned do E.remember(memory, string.format("svc-%d-orders-%x", k, k * 7919), E.kindById("lambda-function")) end
end
local function session()
  local s = E.newSession(masker, "bench")
  s.memory = memory
  return s
end
local policy = E.policyFor("/v1/messages")
local answerPolicy = E.answerPolicyFor("/v1/messages")

local function median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

-- BENCH_TURNS=1: before each warm-up and timed run, print "turn" and wait for a line on stdin. bench/load.ts runs
-- several fresh processes so, one run at a time in turns: a slow minute of the VM then falls on every process alike,
-- and the spread between them is the processes' own (JIT, layout), not the machine's drift.
local turns = os.getenv("BENCH_TURNS") == "1"
local function turn()
  if turns then
    io.stdout:write("turn\n")
    io.stdout:flush()
    io.read("*l")
  end
end

local function measure(fn)
  turn()
  for _ = 1, math.min(2000, iterations) do fn() end -- warm up (JIT)
  local rates = {}
  for r = 1, runs do
    turn()
    local t0 = os.clock()
    for _ = 1, iterations do fn() end
    local dt = os.clock() - t0
    rates[r] = (#body * iterations) / dt / 1e6
  end
  return median(rates)
end

-- warm: the caches of an earlier request of the same body, its history forgotten (the walk of a warm request)
local mask_rate = measure(function()
  E.forgetHistories(masker)
  E.maskJson(session(), body, policy)
end)

-- resent: the same body again, resumed from its history (every turn of a conversation resends the earlier ones)
local resent_rate = measure(function()
  E.maskJson(session(), body, policy)
end)

-- cold: the per-worker caches (pseudonyms, scans of long strings) emptied before every request
local cold_rate = measure(function()
  E.resetCaches(masker)
  if memory then E.clearMemoryCache(memory) end
  E.maskJson(session(), body, policy)
end)

local s = session()
local masked = E.maskJson(s, body, policy).text
local restore_rate = measure(function()
  E.restoreJson(s, masked, answerPolicy)
end)

turn()
collectgarbage("collect")
collectgarbage("stop")
local before = collectgarbage("count")
local garbageRuns = math.min(1000, iterations)
for _ = 1, garbageRuns do
  E.forgetHistories(masker)
  E.maskJson(session(), body, policy)
end
local garbage = (collectgarbage("count") - before) * 1024 / garbageRuns
collectgarbage("restart")

print(string.format('{"mask_mbps":%.1f,"mask_resent_mbps":%.1f,"mask_cold_mbps":%.1f,"restore_mbps":%.1f,"bytes":%d,"garbage_per_request":%d}', mask_rate, resent_rate, cold_rate, restore_rate, #body, garbage))
