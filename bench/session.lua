-- The gateway's warm request path, standalone under LuaJIT: per request a new session with the tenant's memory (as
-- request.ts access builds it), maskJson, the request's learned names remembered in the memory (as learned.ts
-- rememberSession does), then restoreJson of the answer bench/echo-upstream.lua gives (the last user message's text).
-- Prints the fastest run's µs per request (mask, restore). Run from the repository root after `npm run build`.
--   luajit bench/session.lua
--   env: BENCH_BODY (a request; default bench/fixtures/request-8k.json; bench/load.ts BENCH_HOLD=1 writes the harness's
--        bodies), BENCH_ITERATIONS (3000), BENCH_RUNS (15), BENCH_MEMORY=0 (no tenant memory),
--        BENCH_POLLUTE=<KB> (memory touched between requests: inside nginx the rest of the request's work evicts the CPU
--        caches, and the engine's sections cost ~1.7x what they cost here without it; 2048 comes close),
--        BENCH_STRINGS=<N> (N strings kept alive: a busy worker's string table is large, and every string the engine
--        makes, or looks up by making it, costs a lookup there that misses the caches; 200000 comes close)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"
local cjson = require "cjson"
local ffi = require "ffi"

local body = require "fixture"(os.getenv("BENCH_BODY") or "bench/fixtures/request-8k.json")
local iterations = tonumber(os.getenv("BENCH_ITERATIONS") or "3000")
local runs = tonumber(os.getenv("BENCH_RUNS") or "15")
local pollute = tonumber(os.getenv("BENCH_POLLUTE") or "0") * 1024
local masker = E.createMasker(
  E.maskerConfigOf({ secret = "bench-secret-0123456789", disabled_kinds = {}, allowlist = {}, custom_patterns = {} }),
  hmac
)
-- an API key's scope as tenant.ts derives it (a keyed hash)
local scope = "k:3f9a0c2b7d1e4f5a6b7c8d9e0f1a2b3c"
local memory = os.getenv("BENCH_MEMORY") ~= "0" and E.newMemory(10000) or nil
local offered = {}
local policy = E.policyFor("/v1/messages")
local answerPolicy = E.answerPolicyFor("/v1/messages")

-- the echo upstream's answer to a masked request
local function answerTo(masked)
  local doc = cjson.decode(masked)
  local text = ""
  for i = #doc.messages, 1, -1 do
    local m = doc.messages[i]
    if m.role == "user" then
      if type(m.content) == "string" then
        text = m.content
      else
        local parts = {}
        for _, b in ipairs(m.content) do
          if b.type == "text" then parts[#parts + 1] = b.text end
        end
        text = table.concat(parts, "\n")
      end
      break
    end
  end
  return '{"id":"msg_01BenchEchoUpstream000000","type":"message","role":"assistant","model":"claude-sonnet-5"'
    .. ',"content":[{"type":"text","text":' .. cjson.encode(text) .. '}],"stop_reason":"end_turn","stop_sequence":null'
    .. ',"usage":{"input_tokens":' .. math.floor(#body / 4) .. ',"output_tokens":' .. math.floor(#text / 4) .. "}}"
end

local liveStrings = {}
for k = 1, tonumber(os.getenv("BENCH_STRINGS") or "0") do liveStrings[k] = string.format("live-%08x-%d", k * 2654435761 % 4294967296, k) end

local junk = pollute > 0 and ffi.new("uint8_t[?]", pollute) or nil
local CACHE_LINE = 64
local function polluteCaches()
  for k = 0, pollute - 1, CACHE_LINE do junk[k] = junk[k] + 1 end
end

local clock = os.clock
local answer
local maskTime, restoreTime = 0, 0
-- BENCH_HISTORY=0: the body's history forgotten before each request (the walk of a warm request; by default a resent body
-- is walked on from the end of its history, json.ts History)
local history = os.getenv("BENCH_HISTORY") ~= "0"
local function request()
  if junk then polluteCaches() end
  if not history then E.forgetHistories(masker) end
  local t0 = clock()
  local sess = E.newSession(masker, scope)
  sess.memory = memory
  local masked = E.maskJson(sess, body, policy).text
  local t1 = clock()
  if memory then
    for _, l in ipairs(sess.learned) do
      if not offered[l.name] then
        offered[l.name] = true
        E.remember(memory, l.name, l.kind)
      end
    end
  end
  if answer == nil then answer = answerTo(masked) end
  if junk then polluteCaches() end -- the upstream's round trip between access and body_filter
  local t2 = clock()
  E.restoreJson(sess, answer, answerPolicy)
  maskTime = maskTime + (t1 - t0)
  restoreTime = restoreTime + (clock() - t2)
end

for _ = 1, 3000 do request() end -- warm up (JIT, caches, the memory learns the body's names)
local bestMask, bestRestore = math.huge, math.huge
for _ = 1, runs do
  maskTime, restoreTime = 0, 0
  for _ = 1, iterations do request() end
  bestMask = math.min(bestMask, maskTime / iterations * 1e6)
  bestRestore = math.min(bestRestore, restoreTime / iterations * 1e6)
end
print(string.format('{"bytes":%d,"mask_us":%.2f,"restore_us":%.2f,"memory_names":%d,"pollute_kb":%d,"live_strings":%d}',
  #body, bestMask, bestRestore, memory and memory.count or 0, pollute / 1024, #liveStrings))
