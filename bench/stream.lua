-- Streaming restorer benchmark (LuaJIT), the counterpart of bench/stream.ts on the same fixtures.
-- Run from the project root after `npm run build`:  luajit bench/stream.lua   (env: BENCH_MB, BENCH_CHUNK, BENCH_RUNS)
-- Prints MB/s (median of runs) per scenario, bytes held back per stream (max) and per-event streamFeed latency.
-- Exits 1 when a pseudonym of the session is left in restorable output or the median per-event latency is above 1 ms.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path

local cjson = require "cjson"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"
local S = require "kong.plugins.aws-masker.engine.stream"

local MB = tonumber(os.getenv("BENCH_MB") or "10")
local CHUNK = tonumber(os.getenv("BENCH_CHUNK") or "16384")
local RUNS = tonumber(os.getenv("BENCH_RUNS") or "5")
local DIR = "spec/fixtures/sse/"

local read_file = require "fixture"
local function read(name) return read_file(DIR .. name) end

local META = cjson.decode(read("cases.json"))
local sess = E.newSession(E.createMasker({ secret = META.secret }, hmac), META.scope)
for _, t in ipairs(META.big.maskInputs) do E.maskText(sess, t, "") end

local function build(unit)
  return read("big-head.sse") .. unit:rep(math.ceil(MB * 1048576 / #unit)) .. read("big-tail.sse")
end
local unit = read("big-unit.sse")
local dense = build(unit)
-- same framing, no pseudonym-shaped text (the fast path)
local prose_unit = unit:gsub('"text":"([^"]*)"', function(t) return '"text":"' .. t:lower():gsub("_", "-") .. '"' end)
local prose = build(prose_unit)
local tools_body = read("tools.sse")
local tools = tools_body:rep(math.ceil(MB * 1048576 / #tools_body))

local failed = false
local function check(name, ok)
  if not ok then
    io.stderr:write("FAIL " .. name .. "\n")
    failed = true
  end
end

local ffi = require "ffi"
pcall(ffi.cdef, [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]])
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local function throughput(name, input)
  local times, max_held, max_text, out = {}, 0, 0, nil
  for r = 1, RUNS do
    local st = S.newStream(sess)
    local parts = {}
    local t0 = now()
    for at = 1, #input, CHUNK do
      parts[#parts + 1] = S.streamFeed(st, input:sub(at, at + CHUNK - 1))
      local h = S.streamHeld(st)
      if h > max_held then max_held = h end
      local t = S.streamHeldText(st)
      if t > max_text then max_text = t end
    end
    parts[#parts + 1] = S.streamFinish(st)
    times[#times + 1] = now() - t0
    if r == 1 then out = table.concat(parts) end
  end
  table.sort(times)
  local med = times[math.floor(#times / 2) + 1]
  if name ~= "tools" then -- tools carries pseudonyms inside signed thinking blocks, never restored
    for _, e in ipairs(sess.entries) do
      check(name .. ": pseudonym " .. e.pseudonym .. " left in output", not out:find(e.pseudonym, 1, true))
    end
  end
  print(string.format("%-6s %.1f MB in %d B chunks: %.1f MB/s (median of %d), held max %d B text / %d B incl. partial event",
    name, #input / 1048576, CHUNK, #input / 1048576 / med, RUNS, max_text, max_held))
end

local function latency(name, input)
  local st = S.newStream(sess)
  local lat, at = {}, 1
  while #lat < 20000 do
    local a, b = input:find("\n\n", at, true)
    if not a then break end
    local ev = input:sub(at, b)
    at = b + 1
    local t0 = now()
    S.streamFeed(st, ev)
    lat[#lat + 1] = (now() - t0) * 1e6
  end
  S.streamFinish(st)
  table.sort(lat)
  local med, p99 = lat[math.floor(#lat / 2) + 1], lat[math.floor(#lat * 0.99) + 1]
  print(string.format("%-6s per-event streamFeed: median %.2f µs, p99 %.2f µs (%d events)", name, med, p99, #lat))
  check(name .. ": median per-event latency above 1 ms", med <= 1000)
end

throughput("dense", dense)
throughput("prose", prose)
throughput("tools", tools)
latency("dense", dense)
latency("tools", tools)
if failed then os.exit(1) end
