-- engine/chars.ts Builder in LuaJIT: backed by string.buffer (the JSON walk's output, escape decoding and restoreLevel
-- rely on it not making each piece a string), and what was put comes out once, in order.
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

  it("drops what was put on reset", function()
    local b = chars.newBuilder()
    b:put("left over from a walk that failed")
    b:reset()
    b:put("next")
    assert.equals("next", b:get())
  end)
end)
