-- engine/names.ts INDEX in LuaJIT: the index of a request's learned names is emptied and kept for the next request's
-- (chars.ts emptied, LuaJIT's table.clear) while it held 64 names or fewer, and made anew above that. Either way a name
-- one request learned stands in no later request that did not learn it, and one that teaches it learns it again (an
-- index left full would say it was learned already: not learned, its mentions in prose would go out unmasked).
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local cjson = require "cjson"

local masker = E.createMasker({ secret = "spec-secret-0123456789" }, require "hmac")
local policy = E.policyFor("/v1/messages")

-- the user text masked by a new session, and how many names it learned
local function mask(text)
  local s = E.newSession(masker, "t")
  local body = cjson.encode({ model = "m", max_tokens = 5, messages = { { role = "user", content = text } } })
  local r = E.maskJson(s, body, policy)
  return cjson.decode(r.text).messages[1].content, #s.learned
end

-- a text that teaches n function names, and mentions each in prose
local function teaching(prefix, n)
  local lines = {}
  for k = 1, n do lines[#lines + 1] = ('{"FunctionName": "%s-%d-settle"}'):format(prefix, k) end
  for k = 1, n do lines[#lines + 1] = ("why does %s-%d-settle time out?"):format(prefix, k) end
  return table.concat(lines, "\n")
end

describe("the learned-name index (names.ts) in LuaJIT", function()
  it("a name learned by one request is not learned in the next, after an index of 64 names or fewer (kept)", function()
    local out, learned = mask(teaching("payments", 3))
    assert.are.equal(3, learned)
    assert.is_nil(out:find("payments-1-settle", 1, true))
    for _ = 1, 3 do
      out, learned = mask("why does payments-1-settle time out? and payments-3-settle?")
      assert.are.equal(0, learned)
      assert.are.equal("why does payments-1-settle time out? and payments-3-settle?", out)
    end
  end)

  it("a name the request before learned is learned again, and masked in prose, by the next request that teaches it", function()
    for round = 1, 3 do
      for _, n in ipairs({ 2, 12, 70, 12, 2 }) do
        local out, learned = mask(teaching("ledger", n))
        assert.are.equal(n, learned, ("round %d, %d names"):format(round, n))
        for k = 1, n do
          assert.is_nil(out:find(("ledger-%d-settle"):format(k), 1, true), ("round %d, %d names, name %d"):format(round, n, k))
        end
      end
    end
  end)

  it("the same after an index of more than 64 names (made anew), and one of a few names after it (kept again)", function()
    local out, learned = mask(teaching("orders", 80))
    assert.are.equal(80, learned)
    assert.is_nil(out:find("orders-80-settle", 1, true))
    out, learned = mask(teaching("billing", 2) .. "\nand orders-7-settle?")
    assert.are.equal(2, learned)
    assert.is_not_nil(out:find("and orders-7-settle?", 1, true))
    assert.is_nil(out:find("billing-2-settle", 1, true))
    out, learned = mask("billing-1-settle and orders-80-settle")
    assert.are.equal(0, learned)
    assert.are.equal("billing-1-settle and orders-80-settle", out)
  end)
end)
