-- plugin/sealed.lua under plain LuaJIT (libcrypto through ffi): the worker-wide sealing context keeps its key between
-- seals, so sealing under several secrets in turn must still give values that open with their own key only.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local sealed = require "kong.plugins.aws-masker.plugin.sealed"

local function hex_reference(raw, n)
  local out = {}
  for k = 1, n or #raw do out[k] = string.format("%02x", raw:byte(k)) end
  return table.concat(out)
end

describe("sealed", function()
  it("hex gives two lower-case digits per byte, for every byte value and the lengths key names use", function()
    local all = {}
    for b = 0, 255 do all[#all + 1] = string.char(b) end
    local raw = table.concat(all)
    assert.are.equal(hex_reference(raw), sealed.hex(raw))
    assert.are.equal(hex_reference(raw, 16), sealed.hex(raw, 16))
    assert.are.equal("", sealed.hex(""))
    assert.are.equal(32, #sealed.keyName(sealed.sealKeysFor("k0123456789abcdef"), "", "x"))
  end)

  it("values sealed under secrets in turn open with their own key and Redis key only", function()
    local a = sealed.sealKeysFor("secret-a-0123456789abcdef")
    local b = sealed.sealKeysFor("secret-b-0123456789abcdef")
    local values = {}
    for i = 1, 30 do
      local keys = (i % 3 == 0) and b or a
      local plain = "ec2-instance\31i-0a1b2c3d4e5f" .. string.rep("x", i * 7)
      values[i] = { keys = keys, aad = "aad" .. i, plain = plain, sealed = sealed.seal(keys, "aad" .. i, plain) }
    end
    for i, v in ipairs(values) do
      assert.are.equal(v.plain, sealed.unseal(v.keys, v.aad, v.sealed))
      assert.is_nil(sealed.unseal(v.keys == a and b or a, v.aad, v.sealed))
      assert.is_nil(sealed.unseal(v.keys, v.aad .. "x", v.sealed))
      if i > 1 then assert.are_not.equal(values[i - 1].sealed:sub(2, 13), v.sealed:sub(2, 13)) end -- fresh nonce
    end
  end)
end)
