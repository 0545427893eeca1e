-- Masking throughput under LuaJIT with a tenant memory of 0, 1,000 and 10,000 learned names (warm caches), and the
-- matcher alone on an adversarial 1 MB input. Input: the JSON file bench/memory.ts writes (arg[1]); prints JSON
-- figures on the last line.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson"
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"

local input = cjson.decode(require "fixture"(arg[1]))
local body = require "fixture"("bench/fixtures/request-8k.json")
local iterations = tonumber(os.getenv("BENCH_ITERATIONS") or "5000")
local runs = tonumber(os.getenv("BENCH_RUNS") or "5")
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
local policy = E.policyFor("/v1/messages")

local function median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

local function measure(bytes, n, fn)
  for _ = 1, math.min(n, 500) do fn() end -- warm up (JIT, caches)
  local rates = {}
  for r = 1, runs do
    local t0 = os.clock()
    for _ = 1, n do fn() end
    rates[r] = (bytes * n) / (os.clock() - t0) / 1e6
  end
  return median(rates)
end

local out = { mask_mbps = {}, mask_cold_mbps = {}, adversarial_mbps = {} }
for _, count in ipairs(input.counts) do
  local mem = E.newMemory(count + 10)
  for k = 1, count do E.remember(mem, input.names[k], E.kindById("lambda-function")) end
  out.mask_mbps[tostring(count)] = measure(#body, iterations, function()
    E.forgetHistories(masker)
    local s = E.newSession(masker, "bench")
    s.memory = mem
    E.maskJson(s, body, policy)
  end)
  out.mask_cold_mbps[tostring(count)] = measure(#body, iterations, function()
    E.clearMemoryCache(mem)
    E.forgetHistories(masker)
    local s = E.newSession(masker, "bench")
    s.memory = mem
    E.maskJson(s, body, policy)
  end)
  local occ = {}
  if count > 0 then out.adversarial_mbps[tostring(count)] = measure(#input.adversarial, 3, function()
    E.rememberedIn(mem, input.adversarial, occ)
    for k = #occ, 1, -1 do occ[k] = nil end
  end) end
end
print(cjson.encode(out))
