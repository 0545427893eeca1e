-- engine/chars.ts's one-search tests in LuaJIT: a Lua pattern stands in for a loop there (a loop in a short hot
-- function gets blacklisted), so the pattern has to say exactly what the loop said.
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
