-- The keyed hash's input and output in the compiled Lua (engine/pseudonym.ts): hashInput reads short originals in
-- unrolled windows instead of a pattern search, hashOfMessage reads the MAC's seven bytes once; both must give what
-- the plain definitions give, at every length and position.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local P = require "kong.plugins.aws-masker.engine.pseudonym"

-- the definition: each run of units >= 0x80 becomes one DEL
local function referenceInput(s)
  return (s:gsub("[\128-\255]+", "\127"))
end

-- the definition: bits 10k .. 10k+9 of the MAC, two alphabet characters each
local function referenceHash(mac)
  local out = {}
  for bit = 0, 45, 5 do
    local v = 0
    for b = bit, bit + 4 do
      local byte = mac:byte(math.floor(b / 8) + 1)
      v = v * 2 + math.floor(byte / 2 ^ (7 - b % 8)) % 2
    end
    out[#out + 1] = P.ALPHABET:sub(v + 1, v + 1)
  end
  return table.concat(out)
end

describe("pseudonym (LuaJIT)", function()
  it("hashInput equals its definition for every length up to 80 with a high unit at each position, one or two", function()
    for n = 0, 80 do
      local ascii = ("a1-"):rep(27):sub(1, n)
      assert.are.equal(ascii, P.hashInput(ascii))
      for p = 1, n do
        local one = ascii:sub(1, p - 1) .. "\200" .. ascii:sub(p + 1)
        assert.are.equal(referenceInput(one), P.hashInput(one), "length " .. n .. " at " .. p)
        local two = ascii:sub(1, p - 1) .. "\226\128\139" .. ascii:sub(p + 1)
        assert.are.equal(referenceInput(two), P.hashInput(two), "length " .. n .. " at " .. p)
      end
    end
  end)
  it("hashOfMessage takes its 10 characters from the MAC's first 50 bits", function()
    math.randomseed(12)
    for _ = 1, 2000 do
      local bytes = {}
      for k = 1, 20 do bytes[k] = string.char(math.random(0, 255)) end
      local mac = table.concat(bytes)
      assert.are.equal(referenceHash(mac), P.hashOfMessage(function() return mac end, "k", "m"))
    end
    local ones = ("\255"):rep(20)
    assert.are.equal(("z"):rep(10), P.hashOfMessage(function() return ones end, "k", "m"))
    assert.are.equal(("0"):rep(10), P.hashOfMessage(function() return ("\0"):rep(20) end, "k", "m"))
  end)
end)
