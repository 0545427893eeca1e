-- The shared vectors, in the compiled Lua under LuaJIT: any TypeScript -> Lua divergence fails here.
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson.safe"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"

local read_file = require "fixture"

local function load(name)
  return assert(cjson.decode(read_file("spec/fixtures/vectors/" .. name .. ".json")))
end

local function entries_of(s)
  local out = {}
  for i, e in ipairs(s.entries) do out[i] = { e.pseudonym, e.original, e.kind } end
  return out
end

describe("text vectors (LuaJIT)", function()
  local v = load("text")
  local masker = E.createMasker({ secret = v.secret }, hmac)
  for _, c in ipairs(v.cases) do
    it(c.name, function()
      local s = E.newSession(masker, c.scope)
      local out = E.maskText(s, c.input, "")
      assert.are.equal(c.expected, out)
      assert.are.same(c.pseudonyms, entries_of(s))
      assert.are.equal(c.input, E.restoreText(s, out, false))
      assert.are.equal(out, E.maskText(s, out, ""))
    end)
  end
end)

describe("json vectors (LuaJIT)", function()
  local v = load("json")
  local masker = E.createMasker({ secret = v.secret }, hmac)
  for _, c in ipairs(v.cases) do
    it(c.name, function()
      local s = E.newSession(masker, c.scope)
      local r = E.maskJson(s, c.input, E.policyFor(c.path or "/v1/messages"))
      if c.expected == cjson.null then
        assert.is_nil(r.text)
        assert.are.equal(c.error, r.error)
        return
      end
      assert.are.equal(c.expected, r.text)
      assert.is_not_nil(cjson.decode(r.text))
      assert.are.same(c.pseudonyms, entries_of(s))
    end)
  end
end)
