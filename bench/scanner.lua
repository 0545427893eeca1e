-- Detector throughput under LuaJIT per corpus family (written by bench/scanner.ts): for each manifest line
-- "<family>\t<path>", the family's documents are run through findIn (detect: the scanner's first pass and learning, no
-- pseudonyms) and maskText (mask: with the pseudonyms), caches emptied before every document (cold). Prints
-- "<family>\t<bytes>\t<detect MB/s>\t<mask MB/s>" per family.
--   luajit bench/scanner.lua <manifest>
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local read = require "fixture"

local masker = E.createMasker({ secret = "bench-secret-0123456789" }, require "hmac")
local target = tonumber(os.getenv("BENCH_BYTES") or "4000000") -- bytes per family and measure

local order, docs = {}, {}
for line in io.lines(arg[1]) do
  local family, path = line:match("^(%S+)\t(.+)$")
  if docs[family] == nil then
    docs[family] = {}
    order[#order + 1] = family
  end
  table.insert(docs[family], read(path))
end

local function rate(list, bytes, fn)
  local reps = math.max(2, math.ceil(target / bytes))
  for _ = 1, 3 do
    for _, d in ipairs(list) do fn(d) end -- warm up (JIT)
  end
  local t0 = os.clock()
  for _ = 1, reps do
    for _, d in ipairs(list) do fn(d) end
  end
  return bytes * reps / (os.clock() - t0) / 1e6
end

local function detect(d)
  E.resetCaches(masker)
  E.findIn(E.newSession(masker, "bench"), d, "")
end
local function mask(d)
  E.resetCaches(masker)
  E.maskText(E.newSession(masker, "bench"), d, "")
end

for _, family in ipairs(order) do
  local bytes = 0
  for _, d in ipairs(docs[family]) do bytes = bytes + #d end
  print(string.format("%s\t%d\t%.1f\t%.1f", family, bytes, rate(docs[family], bytes, detect), rate(docs[family], bytes, mask)))
  io.stdout:flush()
end
