-- Masks inputs with a tenant memory of learned names under plain LuaJIT, for spec/engine/memory.test.ts.
-- usage: luajit memory_batch.lua IN.json OUT.json
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local cjson = require "cjson"
local hmac = require "hmac"
local E = require "kong.plugins.aws-masker.engine.index"

local input = cjson.decode(require "fixture"(arg[1]))
local masker = E.createMasker({ secret = input.secret }, hmac)
local mem = E.newMemory(#input.names + 1)
for _, n in ipairs(input.names) do E.remember(mem, n[2], E.kindById(n[1])) end
local out = {}
for i, text in ipairs(input.texts) do
  local s = E.newSession(masker, "t")
  s.memory = mem
  out[i] = E.maskText(s, text, "")
end
local o = assert(io.open(arg[2], "wb"))
o:write(cjson.encode(out))
o:close()
