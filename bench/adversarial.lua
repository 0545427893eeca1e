-- Adversarial inputs under LuaJIT (the compiled engine the gateway runs): masks each file of a manifest written by
-- bench/adversarial.ts and prints "<index>\t<MB/s>" per input (best of BENCH_RUNS, caches emptied before each run).
--   luajit bench/adversarial.lua <manifest>      (manifest lines: <mode>\t<path>)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"
local read = require "fixture"

local runs = tonumber(os.getenv("BENCH_RUNS") or "2")
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
local policy = E.policyFor("/v1/other")

local index = 0
for line in io.lines(arg[1]) do
  local mode, path = line:match("^(%S+)\t(.+)$")
  local text = read(path)
  local best = math.huge
  for _ = 1, runs do
    masker.hashes = {}
    masker.hashCount = 0
    masker.scans = {}
    masker.scanBytes = 0
    local s = E.newSession(masker, "bench")
    local t0 = os.clock()
    if mode == "json" then E.maskJson(s, text, policy) else E.maskText(s, text, "") end
    local dt = os.clock() - t0
    if dt < best then best = dt end
  end
  print(index .. "\t" .. string.format("%.3f", #text / math.max(best, 1e-6) / 1e6))
  io.stdout:flush()
  index = index + 1
end
