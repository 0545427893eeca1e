-- Requests whose long strings all have one length and differ in a few bytes (a counter in a resent template: a load
-- generator, a retry loop, or a client doing it on purpose), against the same requests with lengths that vary.
-- LuaJIT (OpenResty's branch, as in Kong) hashes a string of 128 bytes or more from a few of its bytes, so such strings
-- share a chain of the VM's string table and creating each new one walks every live one: what the engine keeps alive
-- (its per-worker caches) must not grow that chain (engine/memo.ts admitsKey). Prints µs per request for each and
-- FAILED (exit 1) when same-length requests cost more than 2x the varied ones. A benchmark, not a test.
--   luajit bench/same-length.lua        env: BENCH_REQUESTS (20000), BENCH_LENGTH (600: bytes of the long content, at least 600)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"

local requests = tonumber(os.getenv("BENCH_REQUESTS") or "20000")
local length = tonumber(os.getenv("BENCH_LENGTH") or "600")
local policy = E.policyFor("/v1/messages")
local filler = string.rep("the deploy went out at noon and nothing changed since then ", 200)

local function body(k, varied)
  -- varied: one of 1,000 lengths around `length` (the same bytes on average)
  local n = varied and length - 500 + k % 1000 or length
  local half = math.floor(n / 2)
  local content = filler:sub(1, half - 4) .. string.format("%08d", k) .. filler:sub(1, n - half - 4)
  return '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"' .. content .. '"}]}'
end

local function run(varied)
  local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
  local t0 = os.clock()
  for k = 1, requests do E.maskJson(E.newSession(masker, "bench"), body(k, varied), policy) end
  return (os.clock() - t0) / requests * 1e6
end

-- each kind in a fresh process (the string table and the heap of one run would weigh on the other)
if arg[1] == "varied" or arg[1] == "same" then
  print(string.format("%.2f", run(arg[1] == "varied")))
  os.exit(0)
end
local function inFreshProcess(kind)
  local p = assert(io.popen("luajit bench/same-length.lua " .. kind))
  local out = p:read("*a")
  p:close()
  return assert(tonumber(out:match("[%d.]+")), "bench/same-length.lua " .. kind .. " failed: " .. out)
end
local varied = inFreshProcess("varied")
local same = inFreshProcess("same")
local ok = same <= 2 * varied
print(string.format("%d requests, a %d-byte content each: lengths varied %.1f µs/request, one length %.1f µs/request (%.2fx)%s",
  requests, length, varied, same, same / varied, ok and "" or "  FAILED: one length costs more than 2x"))
if not ok then os.exit(1) end
