-- Every anchor of the scanner as an adversarial input, under LuaJIT: the literals the finders search for (collected by
-- masking the detection corpus, as chars.mayHold is asked about them) each repeated to 256 KB, bare and with three
-- fillers after it, after "aws " (an AWS signal: every gated rule runs). Prints the slowest inputs, then measures
-- those again at 64 KB and 1 MB: FAILED when one runs below 1 MB/s at 1 MB (a second per MB blocks a worker), or
-- when its MB/s at 1 MB is below half its MB/s at 64 KB (cost growing faster than the input).
--   luajit bench/anchor-sweep.lua            (SWEEP_SHOW: how many of the slowest to print and measure again, 20)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local ch = require "kong.plugins.aws-masker.engine.chars"
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"

local FLOOR_MBPS = 1
local SHOW = tonumber(os.getenv("SWEEP_SHOW") or "20")
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)

-- the anchors, in the order the corpus first asks about them
local anchors, seen = {}, {}
local mayHold = ch.mayHold
ch.mayHold = function(lit)
  if not seen[lit] then
    seen[lit] = true
    anchors[#anchors + 1] = lit
  end
  return mayHold(lit)
end
local files = io.popen("find spec/fixtures/corpus/positive spec/fixtures/corpus/negative -type f | sort"):read("*a")
for path in files:gmatch("[^\n]+") do
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  E.maskText(E.newSession(masker, "sweep"), text, "")
end
ch.mayHold = mayHold

local function rate(unit, size)
  local text = string.rep(unit, math.floor(size / #unit))
  masker.hashes = {}
  masker.hashCount = 0
  E.resetCaches(masker)
  local t0 = os.clock()
  E.maskText(E.newSession(masker, "sweep"), text, "")
  return #text / (os.clock() - t0) / 1e6
end

local FILLERS = { "", " x", "abcdefghijklmnop", "\n" }
local rows = {}
for _, lit in ipairs(anchors) do
  for _, filler in ipairs(FILLERS) do
    local unit = "aws " .. lit .. filler
    rows[#rows + 1] = { unit = unit, mbps = rate(unit, 262144) }
  end
end
table.sort(rows, function(a, b) return a.mbps < b.mbps end)
print(string.format("%d anchors x %d fillers = %d inputs of 256 KB; median %.1f MB/s", #anchors, #FILLERS, #rows,
  rows[math.floor(#rows / 2) + 1].mbps))
print("slowest (MB/s at 256 KB, then at 64 KB and 1 MB):")
local failed = 0
for k = 1, math.min(SHOW, #rows) do
  local r = rows[k]
  local small, large = rate(r.unit, 65536), rate(r.unit, 1048576)
  local bad = large < FLOOR_MBPS or large < small / 2
  if bad then failed = failed + 1 end
  print(string.format("%8.2f %8.2f %8.2f  %-48q%s", r.mbps, small, large, r.unit, bad and "  FAILED" or ""))
end
if failed > 0 then
  print(string.format("FAILED: %d inputs below %d MB/s at 1 MB or slower per byte at 1 MB than at 64 KB", failed,
    FLOOR_MBPS))
  os.exit(1)
end
print("PASSED: every anchor input linear, none below " .. FLOOR_MBPS .. " MB/s at 1 MB")
