-- engine/chars.ts Builder in LuaJIT: backed by string.buffer (the JSON walk's output, escape decoding and restoreLevel
-- rely on it not making each piece a string), what was put comes out once, in order, and the room of a large text is
-- kept up to 4 MB.
package.path = "build/?.lua;" .. package.path
local chars = require "kong.plugins.aws-masker.engine.chars"

describe("Builder (chars.ts) in LuaJIT", function()
  it("is LuaJIT's string.buffer, not the list of pieces JavaScript uses", function()
    local b = chars.newBuilder()
    assert.equals(getmetatable(require("string.buffer").new()), getmetatable(b))
  end)

  it("gives back the pieces put, in order, and is empty after get", function()
    local b = chars.newBuilder()
    local s = "0123456789"
    b:put(string.sub(s, 3, 5))
    b:put("-")
    b:put(string.sub(s, 8, 10))
    assert.equals("234-789", b:get())
    assert.equals("", b:get())
    b:put("x")
    assert.equals("x", b:get())
  end)

  it("take gives the text and leaves the builder empty and usable, after a short text and after a long one", function()
    local b = chars.newBuilder()
    b:put("short")
    assert.equals("short", chars.take(b))
    local long = string.rep("0123456789", 10000)
    b:put(string.sub(long, 1, #long))
    assert.equals(long, chars.take(b))
    assert.equals("", b:get())
    b:put("after")
    assert.equals("after", chars.take(b))
  end)

  -- room: what reserve offers the buffer once reset. LuaJIT mmaps 128 KB and more, so room grown afresh for every
  -- large request faults in new pages each time (docs/performance-history.md, "A builder's room"). Reset first: a
  -- compiled get (take) leaves the buffer's read and write positions at the end of what it held, where the
  -- interpreter's moves them back to the start, so reserve alone offers less once take is compiled (the busted run
  -- compiles it)
  local function room(b)
    b:reset()
    local _, len = b:reserve(1)
    return len
  end

  it("take keeps the room of a 1 MB text for the next one", function()
    local b = chars.newBuilder()
    local mb = string.rep("x", 1048576)
    b:put(mb)
    assert.equals(mb, chars.take(b))
    assert.is_true(room(b) >= 1048576)
    b:put("next")
    assert.equals("next", chars.take(b))
    assert.is_true(room(b) >= 1048576)
  end)

  it("take gives back the room of a text over 4 MB", function()
    local b = chars.newBuilder()
    local big = string.rep("x", 4194305)
    b:put(big)
    assert.equals(big, chars.take(b))
    assert.is_true(room(b) < 65536)
    b:put("after")
    assert.equals("after", chars.take(b))
  end)

  it("drops what was put on reset", function()
    local b = chars.newBuilder()
    b:put("left over from a walk that failed")
    b:reset()
    b:put("next")
    assert.equals("next", b:get())
  end)
end)

-- The anchor filter in LuaJIT (bytes, where JavaScript has UTF-16 units): markUnits then firstOf answers as a plain
-- search, in random texts of anchors, their pieces and UTF-8 bytes, short and long (trigram slots shared).
describe("anchor filter (chars.ts markUnits / firstOf) in LuaJIT", function()
  local anchors = { ".amazonaws.com", "alias/", "://", "Z ", "\n[", "metrics", "found", "awsdatacatalog", "ab", "x" }
  local pieces = { "a", "Z", " ", "\n", "[", "%", "/", ":", ".", "\195\169", "\226\148\130", "met", "rics", "fou", "nd",
    "aws", "log", "catalog", "ama", "zonaws" }
  for _, a in ipairs(anchors) do pieces[#pieces + 1] = a end

  it("firstOf after markUnits finds every anchor a random text holds, where string.find does", function()
    math.randomseed(12)
    for round = 1, 3000 do
      local parts = {}
      -- one round in ten a long text (hundreds of trigrams in 8192 slots)
      local count = round % 10 == 0 and 400 or math.random(0, 24)
      for k = 1, count do parts[k] = pieces[math.random(#pieces)] end
      local s = table.concat(parts)
      chars.markUnits(s, #s)
      for _, lit in ipairs(anchors) do
        assert.equals((s:find(lit, 1, true) or 0) - 1, chars.firstOf(s, lit), s)
      end
    end
  end)
end)

-- a resumed walk puts the kept output before its point into its own without cutting it out (string.buffer's putcdata)
describe("putUnits (chars.ts) in LuaJIT", function()
  it("puts exactly s[a, e) into a builder, between other pieces", function()
    local b = chars.newBuilder()
    b:put("<")
    chars.putUnits(b, "ab\0cdEC2", 1, 5)
    chars.putUnits(b, "xyz", 0, 0)
    chars.putUnits(b, "xyz", 0, 3)
    b:put(">")
    assert.equals("<b\0cdxyz>", chars.take(b))
  end)
end)
