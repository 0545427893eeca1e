-- Masks a batch of inputs with the compiled engine under plain LuaJIT, for the cross-runtime comparison
-- (spec/engine/cross-runtime.test.ts). usage: luajit mask_batch.lua IN.json OUT.json
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"

local input = cjson.decode(require "fixture"(arg[1]))
local masker = E.createMasker({ secret = input.secret }, hmac)
local out = {}
for i, c in ipairs(input.cases) do
  local s = E.newSession(masker, c.scope)
  local r
  if c.json then
    local res = E.maskJson(s, c.input, E.policyFor(c.path or "/v1/messages"))
    r = { text = res.text or cjson.null, error = res.error or cjson.null }
  else
    r = { text = E.maskText(s, c.input, ""), error = cjson.null }
  end
  r.restored = r.text ~= cjson.null and E.restoreText(s, r.text, c.json and true or false) or cjson.null
  if c.answer then
    local a = E.restoreJson(s, c.answer, E.answerPolicyFor("/v1/messages"))
    r.answer, r.answerError, r.answerOffset = a.text or cjson.null, a.error or cjson.null, a.offset or cjson.null
  end
  r.resumed = E.HISTORY_STATS.resumed
  out[i] = r
end
local o = assert(io.open(arg[2], "wb"))
o:write(cjson.encode(out))
o:close()
