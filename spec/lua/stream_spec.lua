-- Streaming restoration (issue #4) under LuaJIT: the same SSE fixtures, chunkings and expected output digests as
-- spec/engine/stream.test.ts, so any divergence between the TypeScript and the compiled Lua fails here.
-- Run: npm run build && busted --lua=luajit spec/lua
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path

local cjson = require "cjson"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"

local DIR = "spec/fixtures/sse/"

local read_file = require "fixture"
local function read(name) return read_file(DIR .. name) end

local META = cjson.decode(read("cases.json"))

-- Park-Miller, as in spec/engine/stream-support.ts
local function chunk_sizes(seed, max, total)
  local out, x, at = {}, seed, 0
  while at < total do
    x = (x * 48271) % 2147483647
    local n = math.min(1 + (x % max), total - at)
    out[#out + 1] = n
    at = at + n
  end
  return out
end

local byte = string.byte
local function digest(s)
  local h = 0
  for i = 1, #s do h = (h * 31 + byte(s, i)) % 2147483647 end
  return { #s, h }
end

-- complete events of s ({raw, data}); a trailing incomplete event is ignored
local function events(s)
  local out, at = {}, 1
  while true do
    local a, b = s:find("\r?\n\r?\n", at)
    if not a then break end
    local raw = s:sub(at, b)
    at = b + 1
    local data
    for line in raw:gmatch("[^\r\n]+") do
      local v = line:match("^data: ?(.*)$")
      if v then data = cjson.decode(v) end
    end
    out[#out + 1] = { raw = raw, data = data }
  end
  return out
end

local RESTORED = { text_delta = true, input_json_delta = true, citations_delta = true }
local function is_restored(e)
  local d = e.data
  return d ~= nil and ((d.type == "content_block_delta" and type(d.delta) == "table" and RESTORED[d.delta.type] == true)
    or d.type == "message_delta")
end

local function kept(evs)
  local out = {}
  for _, e in ipairs(evs) do
    if not is_restored(e) then out[#out + 1] = e.raw end
  end
  return out
end

local function reassemble(evs)
  local blocks, stopped, errored = {}, {}, false
  for _, e in ipairs(evs) do
    local d = e.data
    if d then
      local key = d.index ~= nil and tostring(d.index) or nil
      if d.type == "error" then errored = true end
      if d.type == "content_block_start" then
        blocks[key] = { text = {}, json = {}, thinking = {}, signature = {}, citations = {} }
      elseif d.type == "content_block_stop" then
        stopped[key] = true
      elseif d.type == "content_block_delta" then
        assert(not stopped[key], "delta for block " .. key .. " after its stop")
        assert(not errored, "delta after the error event")
        local b, t = blocks[key], d.delta.type
        if t == "text_delta" then b.text[#b.text + 1] = d.delta.text
        elseif t == "input_json_delta" then b.json[#b.json + 1] = d.delta.partial_json
        elseif t == "thinking_delta" then b.thinking[#b.thinking + 1] = d.delta.thinking
        elseif t == "signature_delta" then b.signature[#b.signature + 1] = d.delta.signature
        elseif t == "citations_delta" then b.citations[#b.citations + 1] = d.delta.citation.cited_text
        end
      end
    end
  end
  for _, b in pairs(blocks) do
    b.text, b.json = table.concat(b.text), table.concat(b.json)
    b.thinking, b.signature = table.concat(b.thinking), table.concat(b.signature)
  end
  return blocks
end

local function session(inputs)
  local m = E.createMasker({ secret = META.secret }, hmac)
  local sess = E.newSession(m, META.scope)
  for _, t in ipairs(inputs) do E.maskText(sess, t, "") end
  return sess
end

local function run(st, input, sizes, bound)
  local out, at = {}, 1
  for _, n in ipairs(sizes) do
    out[#out + 1] = E.streamFeed(st, input:sub(at, at + n - 1))
    at = at + n
    if bound then bound(st) end
  end
  out[#out + 1] = E.streamFinish(st)
  return table.concat(out)
end

describe("stream (LuaJIT): SSE fixtures in seeded chunkings", function()
  for _, c in ipairs(META.cases) do
    it(c.name .. ": " .. #c.chunkings .. " chunkings give the same bytes as TypeScript and restore exactly", function()
      local input = read(c.file)
      local sess = session(c.maskInputs)
      local want_kept = kept(events(input))
      local max_text, max_held = 0, 0
      local max_event = c.maxEvent ~= nil and c.maxEvent ~= cjson.null and c.maxEvent or nil
      for k, ch in ipairs(c.chunkings) do
        local st = E.newStream(sess, max_event)
        local out = run(st, input, chunk_sizes(ch[1], ch[2], #input), function(s)
          max_text = math.max(max_text, E.streamHeldText(s))
          max_held = math.max(max_held, E.streamHeld(s))
        end)
        local d = digest(out)
        assert.are.same(c.digests[k], d, c.name .. " chunking " .. (k - 1) .. " (seed " .. ch[1] .. ", max " .. ch[2] .. ")")
        if k <= 61 or (k - 1) % 10 == 0 then
          local evs = events(out)
          assert.are.same(want_kept, kept(evs))
          local blocks = reassemble(evs)
          for idx, want in pairs(c.expect) do
            local b = assert(blocks[idx], "block " .. idx)
            if want.text then assert.are.equal(want.text, b.text) end
            if want.json then
              assert.are.equal(want.json, b.json)
              cjson.decode(b.json)
            end
            if want.thinking then assert.are.equal(want.thinking, b.thinking) end
            if want.signature then assert.are.equal(want.signature, b.signature) end
            if want.citations then assert.are.same(want.citations, b.citations) end
          end
          for _, e in ipairs(evs) do
            if type(e.data) == "table" and e.data.type == "message_delta" then
              local want = c.stopSequence ~= nil and c.stopSequence or cjson.null
              assert.are.equal(want, e.data.delta.stop_sequence)
            end
          end
          if c.error then assert.are.equal("error", evs[#evs].data.type) end
        end
      end
      assert.is_true(max_text <= sess.maxLen - 1)
      assert.is_true(max_held <= (max_event or 1048576) + 4096 + sess.maxLen)
    end)
  end

  -- the gateway hands nginx the parts (ngx.arg[1] takes a list of strings): spec/engine/stream.test.ts's twin
  it("streamFeedParts gives streamFeed's output in parts (a list where it rewrote), one event per call and in 7-byte chunks", function()
    local lists = 0
    for _, c in ipairs(META.cases) do
      local input = read(c.file)
      local per_event, at = {}, 1
      while true do
        local _, b = input:find("\r?\n\r?\n", at)
        if not b then break end
        per_event[#per_event + 1] = b - at + 1
        at = b + 1
      end
      local sevens = {}
      for _ = 1, math.ceil(#input / 7) do sevens[#sevens + 1] = 7 end
      local max_event = c.maxEvent ~= nil and c.maxEvent ~= cjson.null and c.maxEvent or nil
      for _, sizes in ipairs({ per_event, sevens }) do
        local joined, parted = E.newStream(session(c.maskInputs), max_event), E.newStream(session(c.maskInputs), max_event)
        at = 1
        for _, n in ipairs(sizes) do
          local chunk = input:sub(at, at + n - 1)
          at = at + n
          local parts = E.streamFeedParts(parted, chunk)
          if type(parts) == "table" then
            lists = lists + 1
            assert.is_true(#parts > 0, c.name)
            parts = table.concat(parts)
          end
          assert.are.equal(E.streamFeed(joined, chunk), parts, c.name)
        end
        assert.are.equal(E.streamFinish(joined), E.streamFinish(parted), c.name)
      end
    end
    assert.is_true(lists > 0)
  end)

  it("a session without pseudonyms passes chunks through untouched", function()
    local st = E.newStream(session({}))
    local chunk = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"EC2_INS'
    assert.are.equal(chunk, E.streamFeed(st, chunk))
    assert.are.equal("", E.streamFinish(st))
  end)

  it("10 MB stream: same bytes as TypeScript, exact, held bytes bounded", function()
    local big = META.big
    local unit = read(big.unit)
    local input = read(big.head) .. unit:rep(big.repeat_ or big["repeat"]) .. read(big.tail)
    assert.is_true(#input > 10 * 1024 * 1024)
    local sess = session(big.maskInputs)
    local st = E.newStream(sess)
    local max_text, max_held = 0, 0
    local t0 = os.clock()
    local out = run(st, input, chunk_sizes(big.chunking[1], big.chunking[2], #input), function(s)
      max_text = math.max(max_text, E.streamHeldText(s))
      max_held = math.max(max_held, E.streamHeld(s))
    end)
    local secs = os.clock() - t0
    assert.are.same(big.digest, digest(out))
    local blocks = reassemble(events(out))
    assert.are.equal(big.unitText:rep(big["repeat"]), blocks["0"].text)
    assert.is_true(max_text <= sess.maxLen - 1)
    assert.is_true(max_held < 65536 + 1024)
    print(string.format("\n10 MB stream (luajit): %.1f MB/s, max held text %d B, max held incl. partial event %d B",
      #input / 1048576 / secs, max_text, max_held))
  end)
end)
