-- Mixed traffic under LuaJIT: the detection corpus's documents (spec/fixtures/corpus, every family) masked in turn, cold
-- (caches emptied before each), ROUNDS times over, as a worker meets them when its requests differ from one another;
-- the benchmarks that repeat one request keep their traces, this one needs every rule's. Prints one JSON line for
-- bench/mixed-traffic.ts: the MB/s of the second half of the rounds, the trace cache flushes and the traces compiled
-- there, and the process's resident memory at the end.
--   luajit bench/mixed-traffic.lua [runtime|plugin]   (plugin: plugin/luajit.ts's parameters first, as init_worker does)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"

local mode = arg[1] or "plugin"
if mode == "plugin" then
  local params = {}
  for p in require("kong.plugins.aws-masker.plugin.luajit").ENGINE_JIT_PARAMS:gmatch("%S+") do
    params[#params + 1] = p
  end
  jit.opt.start(unpack(params))
end
local ROUNDS = tonumber(os.getenv("MIXED_ROUNDS") or "12")

local texts, bytes = {}, 0
local list = io.popen("find spec/fixtures/corpus/positive spec/fixtures/corpus/negative -type f ! -name '*.labels.json' | sort")
for path in list:read("*a"):gmatch("[^\n]+") do
  local f = assert(io.open(path, "rb"))
  texts[#texts + 1] = f:read("*a")
  f:close()
  bytes = bytes + #texts[#texts]
end
list:close()

local flushes, traces = 0, 0
jit.attach(function(what)
  if what == "flush" then
    flushes = flushes + 1
  elseif what == "stop" then
    traces = traces + 1
  end
end, "trace")

local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
local late, lateFlushes, lateTraces = 0, 0, 0
for round = 1, ROUNDS do
  local f0, t0n = flushes, traces
  local t0 = os.clock()
  for _, text in ipairs(texts) do
    E.resetCaches(masker)
    masker.hashes = {}
    masker.hashCount = 0
    E.maskText(E.newSession(masker, "mixed"), text, "")
  end
  if round > ROUNDS / 2 then
    late = late + os.clock() - t0
    lateFlushes = lateFlushes + flushes - f0
    lateTraces = lateTraces + traces - t0n
  end
end
local status = assert(io.open("/proc/self/status")):read("*a")
print(string.format(
  '{"mode":"%s","documents":%d,"bytes":%d,"rounds":%d,"mbps":%.3f,"flushes":%d,"traces":%d,"rssKb":%d}',
  mode, #texts, bytes, ROUNDS - math.floor(ROUNDS / 2), bytes * (ROUNDS - math.floor(ROUNDS / 2)) / late / 1e6,
  lateFlushes, lateTraces, tonumber(status:match("VmRSS:%s*(%d+)"))))
