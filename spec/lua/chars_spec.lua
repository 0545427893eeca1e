-- engine/chars.ts in LuaJIT: its one-search tests (a Lua pattern stands in for a loop there: a loop in a short hot
-- function gets blacklisted, so the pattern has to say exactly what the loop said), and its in-place comparison.
package.path = "build/?.lua;" .. package.path
local chars = require "kong.plugins.aws-masker.engine.chars"

describe("needsJsonEscape (chars.ts) in LuaJIT", function()
  it("is true exactly for a control byte, '\"' and '\\', at the start, middle and end of a string", function()
    for b = 0, 255 do
      local c = string.char(b)
      local expected = b < 32 or b == 34 or b == 92
      assert.equals(expected, chars.needsJsonEscape(c), "byte " .. b)
      assert.equals(expected, chars.needsJsonEscape("i-0abc" .. c .. "def"), "byte " .. b .. " inside")
      assert.equals(expected, chars.needsJsonEscape("arn:aws:s3:::b" .. c), "byte " .. b .. " at the end")
    end
    assert.is_false(chars.needsJsonEscape(""))
  end)
end)

describe("hexRunEnd, digitDashRunEnd and arnFieldRunEnd (chars.ts) in LuaJIT", function()
  it("end where the first unit outside the run stands, at the start, inside and at the end of a string", function()
    assert.equals(0, chars.hexRunEnd("", 0))
    assert.equals(2, chars.hexRunEnd("i-", 2))
    assert.equals(19, chars.hexRunEnd("i-0123456789abcdef0", 2))
    assert.equals(6, chars.hexRunEnd("i-0123G56789", 2))
    assert.equals(2, chars.hexRunEnd("i-A0", 2))
    assert.equals(11, chars.digitDashRunEnd("ip-10-0-1-5.ec2.internal", 3))
    assert.equals(3, chars.digitDashRunEnd("ip-a", 3))
    assert.equals(14, chars.arnFieldRunEnd("arn:aws:iam::*:role/x", 14))
    assert.equals(21, chars.arnFieldRunEnd("arn:aws:sqs:us-east-1:1", 12))
    for b = 0, 255 do
      local hex = (b >= 48 and b <= 57) or (b >= 97 and b <= 102)
      assert.equals(hex and 3 or 2, chars.hexRunEnd("x-" .. string.char(b) .. "!", 2), "byte " .. b)
      local dd = (b >= 48 and b <= 57) or b == 45
      assert.equals(dd and 3 or 2, chars.digitDashRunEnd("x-" .. string.char(b) .. "!", 2), "byte " .. b)
      local field = (b >= 48 and b <= 57) or (b >= 65 and b <= 90) or (b >= 97 and b <= 122) or b == 95 or b == 45
        or b == 42 or b == 63
      assert.equals(field and 3 or 2, chars.arnFieldRunEnd("x:" .. string.char(b) .. "!", 2), "byte " .. b)
    end
  end)
end)

-- a body is resumed from a kept history by comparing its units with the kept body's in place (memcmp through the FFI)
describe("sameUnits (chars.ts) in LuaJIT", function()
  it("equals comparing the two ranges cut out, for every range of two bodies that differ in a unit", function()
    local a = "ab\0cdEC2_x\0abcab"
    local others = { a, a:sub(1, 5) .. "Z" .. a:sub(7), "X" .. a:sub(2), a:sub(1, -2) .. "Y", a .. "tail" }
    for _, b in ipairs(others) do
      for from = 0, #a do
        for to = from, #a do
          local expected = a:sub(from + 1, to) == b:sub(from + 1, to)
          assert.are.equal(expected, chars.sameUnits(a, b, from, to), ("%q [%d, %d)"):format(b, from, to))
        end
      end
    end
  end)
end)
