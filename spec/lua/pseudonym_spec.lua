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

-- holdsAt (engine/chars.ts) compares in place with memcmp through the FFI in LuaJIT; the restore's check that a whole
-- pseudonym stands where its hash part was found rests on it
describe("holdsAt and the exact-pseudonym check (LuaJIT)", function()
  local ch = require "kong.plugins.aws-masker.engine.chars"
  it("holdsAt equals comparing the substring at every offset, for literals inside, across, before and past the ends", function()
    local s = "ab\0cdEC2_x\0abcab"
    for _, lit in ipairs({ "", "a", "ab", "b\0c", "cab", "abcab", "EC2_x\0", "abd", "abcabX", s, s .. "a" }) do
      for at = -2, #s + 1 do
        local expected = at >= 0 and at + #lit <= #s and s:sub(at + 1, at + #lit) == lit
        assert.are.equal(expected, ch.holdsAt(s, at, lit), ("%q at %d"):format(lit, at))
      end
    end
  end)
  it("a pseudonym's hash part after another tag, or cut short, is not restored; the pseudonym itself is", function()
    local E = require "kong.plugins.aws-masker.engine.index"
    local s = E.newSession(E.createMasker({ secret = "spec-secret-0123456789" }, require "hmac"), "global")
    local masked = E.maskText(s, "i-0a1b2c3d4e5f67890", "")
    local tag, hash = masked:match("^(.+)_(%w+)$")
    assert.is_truthy(tag and #hash == 10)
    local fake = "X" .. tag:sub(2) .. "_" .. hash
    assert.are.equal(fake .. " " .. hash .. " _" .. hash, E.restoreText(s, fake .. " " .. hash .. " _" .. hash, false))
    assert.are.equal("at i-0a1b2c3d4e5f67890.", E.restoreText(s, "at " .. masked .. ".", false))
  end)
end)
