-- Streaming restorer benchmark (LuaJIT), the counterpart of bench/stream.ts on the same fixtures.
-- Run from the project root after `npm run build`:  luajit bench/stream.lua   (env: BENCH_MB, BENCH_CHUNK, BENCH_RUNS)
-- Prints MB/s (median of runs) per scenario, bytes held back per stream (max), per-event streamFeed latency, and the
-- cost per event of answers whose pseudonyms are new in every stream (each stream a new session, as cold requests are).
-- Exits 1 when an output is not the expected restoration (dense, prose: the reassembled text is the unmasked text,
-- repeated; tools: every block of every copy holds the fixture's expected content), when a pseudonym of the session is
-- left in restorable output, or when the median per-event latency is above 1 ms.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path

local cjson = require "cjson"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"

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
-- same framing (~6-byte text deltas, a ping every 7), plain prose with nothing pseudonym-shaped (the fast path);
-- the same bytes as bench/stream.ts builds
local PROSE = "the deploy went out at noon; the queue drained, the workers caught up and the dashboards stayed calm. "
local prose_parts, at, n = {}, 1, 0
while at <= #PROSE do
  local piece = PROSE:sub(at, at + (n * 5) % 11)
  at = at + #piece
  prose_parts[#prose_parts + 1] = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'
    .. piece .. '"}}\n\n'
  if n % 7 == 6 then prose_parts[#prose_parts + 1] = 'event: ping\ndata: {"type": "ping"}\n\n' end
  n = n + 1
end
local prose_unit = table.concat(prose_parts)
local prose = build(prose_unit)
local tools_body = read("tools.sse")
local tools_count = math.ceil(MB * 1048576 / #tools_body)
local tools = tools_body:rep(tools_count)

local EXPECTED_TEXT = {
  dense = META.big.unitText:rep(math.ceil(MB * 1048576 / #unit)),
  prose = PROSE:rep(math.ceil(MB * 1048576 / #prose_unit)),
}
local TOOLS_EXPECT
for _, c in ipairs(META.cases) do if c.name == "tools" then TOOLS_EXPECT = c.expect end end

-- per message, per content block index: the concatenated deltas, as a client reassembles them
local function reassemble(stream)
  local messages, blocks = {}, nil
  for line in stream:gmatch("[^\r\n]+") do
    if line:sub(1, 6) == "data: " then
      local d = cjson.decode(line:sub(7))
      if d.type == "message_start" then
        blocks = {}
        messages[#messages + 1] = blocks
      elseif d.type == "content_block_start" then
        blocks[tostring(d.index)] = { text = {}, json = {}, thinking = {}, signature = {}, citations = {} }
      elseif d.type == "content_block_delta" then
        local b, t = blocks[tostring(d.index)], d.delta.type
        if t == "text_delta" then b.text[#b.text + 1] = d.delta.text
        elseif t == "input_json_delta" then b.json[#b.json + 1] = d.delta.partial_json
        elseif t == "thinking_delta" then b.thinking[#b.thinking + 1] = d.delta.thinking
        elseif t == "signature_delta" then b.signature[#b.signature + 1] = d.delta.signature
        elseif t == "citations_delta" then b.citations[#b.citations + 1] = d.delta.citation.cited_text end
      end
    end
  end
  return messages
end

local function restored_as_expected(name, out)
  local messages = reassemble(out)
  if name ~= "tools" then
    return #messages == 1 and table.concat(messages[1]["0"].text) == EXPECTED_TEXT[name]
  end
  if #messages ~= tools_count then return false end
  for _, m in ipairs(messages) do
    for index, want in pairs(TOOLS_EXPECT) do
      for field, value in pairs(want) do
        local got = m[index][field]
        if field == "citations" then
          if #got ~= #value then return false end
          for k = 1, #value do if got[k] ~= value[k] then return false end end
        elseif table.concat(got) ~= value then
          return false
        end
      end
    end
  end
  return true
end

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
    local st = E.newStream(sess)
    local parts = {}
    local t0 = now()
    for at = 1, #input, CHUNK do
      parts[#parts + 1] = E.streamFeed(st, input:sub(at, at + CHUNK - 1))
      local h = E.streamHeld(st)
      if h > max_held then max_held = h end
      local t = E.streamHeldText(st)
      if t > max_text then max_text = t end
    end
    parts[#parts + 1] = E.streamFinish(st)
    times[#times + 1] = now() - t0
    if r == 1 then out = table.concat(parts) end
  end
  table.sort(times)
  local med = times[math.floor(#times / 2) + 1]
  check(name .. ": output is not the expected restoration", restored_as_expected(name, out))
  if name ~= "tools" then -- tools carries pseudonyms inside signed thinking blocks, never restored
    for _, e in ipairs(sess.entries) do
      check(name .. ": pseudonym " .. e.pseudonym .. " left in output", not out:find(e.pseudonym, 1, true))
    end
  end
  print(string.format("%-6s %.1f MB in %d B chunks: %.1f MB/s (median of %d), held max %d B text / %d B incl. partial event",
    name, #input / 1048576, CHUNK, #input / 1048576 / med, RUNS, max_text, max_held))
end

-- per-event cost on a warmed-up path, as in a gateway worker that has streamed before: the events are fed one per call
-- (the chunk the gateway usually gets) once untimed to a stream of their own, then timed one by one, the output in
-- parts as the plugin hands it to nginx
local function latency(name, input)
  local events, at = {}, 1
  while #events < 20000 do
    local a, b = input:find("\n\n", at, true)
    if not a then break end
    events[#events + 1] = input:sub(at, b)
    at = b + 1
  end
  local warm = E.newStream(sess)
  for i = 1, #events do E.streamFeed(warm, events[i]) end
  E.streamFinish(warm)
  local st = E.newStream(sess)
  local lat = {}
  for i = 1, #events do
    local t0 = now()
    E.streamFeedParts(st, events[i])
    lat[i] = (now() - t0) * 1e6
  end
  E.streamFinish(st)
  table.sort(lat)
  local med, p99 = lat[math.floor(#lat / 2) + 1], lat[math.floor(#lat * 0.99) + 1]
  print(string.format("%-6s per-event streamFeedParts: median %.2f µs, p99 %.2f µs (%d events)", name, med, p99, #lat))
  check(name .. ": median per-event latency above 1 ms", med <= 1000)
end

-- answers whose pseudonyms are new in every stream (a new session's, as in the harness's cold cells): the rewritten
-- events are new strings each time, all of a length and with the same first, middle and last bytes (what LuaJIT's
-- string hash reads), unlike the warm scenarios above, whose outputs repeat. Deltas of 40 bytes, as
-- bench/echo-upstream.lua cuts them, fed in CHUNK-byte chunks and one event per call (the chunk the gateway gets from
-- Claude, which flushes every event), the output in parts as the plugin hands it to nginx (streamFeedParts) and, for
-- comparison, joined into one string per call (streamFeed); the events are cut before timing. Each stream is fed one
-- way only: a stream fed twice would find its rewritten events made by the first feeding.
local function fresh(streams)
  local masker = E.createMasker({ secret = META.secret }, hmac)
  local cost, count = { 0, 0, 0 }, { 0, 0, 0 }
  for r = 1, streams do
    local lines = {}
    for k = 1, 20 do
      lines[k] = string.format("host i-%017x at 10.%d.%d.7 behind sg-%017x. ", r * 1000 + k, r % 250, k, r * 77 + k)
    end
    local s = E.newSession(masker, "bench")
    local text = E.maskText(s, table.concat(lines) .. PROSE:rep(8), "")
    local evs = {}
    for at = 1, #text, 40 do
      evs[#evs + 1] = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
        .. cjson.encode(text:sub(at, at + 39)) .. '}}\n\n'
    end
    -- way 1: in CHUNK-byte chunks; 2: one event per call, in parts; 3: one event per call, joined
    local way = r % 3 + 1
    local pieces = evs
    if way == 1 then
      local body = table.concat(evs)
      pieces = {}
      for at = 1, #body, CHUNK do pieces[#pieces + 1] = body:sub(at, at + CHUNK - 1) end
    end
    local feed = way == 2 and E.streamFeedParts or E.streamFeed
    local t0 = now()
    local st = E.newStream(s)
    for i = 1, #pieces do feed(st, pieces[i]) end
    E.streamFinish(st)
    cost[way] = cost[way] + (now() - t0)
    count[way] = count[way] + #evs
  end
  local per = function(way) return cost[way] / count[way] * 1e6 end
  print(string.format("fresh  new pseudonyms in every stream: %.2f µs per event in %d B chunks; one event per call %.2f µs in parts, %.2f µs joined (%d streams of %d events)",
    per(1), CHUNK, per(2), per(3), streams, (count[1] + count[2] + count[3]) / streams))
  check("fresh: one event per call in parts costs more than 0.8 of joined (is the call's output a string again?)",
    per(2) <= per(3) * 0.8)
end

throughput("dense", dense)
throughput("prose", prose)
throughput("tools", tools)
latency("dense", dense)
latency("tools", tools)
fresh(2000)
if failed then os.exit(1) end
