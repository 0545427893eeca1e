-- engine/json.ts History in LuaJIT: each turn of a conversation is walked on from the history the turn before it left,
-- and keeping that history copies neither the body nor its output (before the fifty-eighth pass a kept history copied
-- what stood before each of its two points: four strings of about the body's length per turn).
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local cjson = require "cjson"

describe("a conversation's history (json.ts) in LuaJIT", function()
  it("a turn walked on from the turn before's history allocates less than twice its body (3.6 times with the copies)", function()
    local masker = E.createMasker({ secret = "spec-secret-0123456789" }, require "hmac")
    local policy = E.policyFor("/v1/messages")
    local filler = string.rep("the deploy went out at noon and the queue drained slowly afterwards; ", 20)
    local messages, bodies = {}, {}
    for k = 1, 12 do
      messages[#messages + 1] = { role = "user", content = ("Turn %d: i-0%016x %s"):format(k, k * 7919, filler) }
      bodies[k] = cjson.encode({ model = "claude-sonnet-4-5", max_tokens = 64, messages = messages })
      messages[#messages + 1] = { role = "assistant", content = "Looked at it: " .. filler }
    end
    -- the same conversation in another tenant's scope first: the code is compiled (LuaJIT's traces count as allocated)
    for k = 1, 12 do
      E.maskJson(E.newSession(masker, "warm-up"), bodies[k], policy)
    end
    for k = 1, 11 do
      E.maskJson(E.newSession(masker, "t"), bodies[k], policy)
    end
    local resumed = E.HISTORY_STATS.resumed
    collectgarbage("collect")
    collectgarbage("stop")
    local before = collectgarbage("count")
    local masked = E.maskJson(E.newSession(masker, "t"), bodies[12], policy).text
    local allocated = (collectgarbage("count") - before) * 1024
    collectgarbage("restart")
    assert.are.equal(resumed + 1, E.HISTORY_STATS.resumed)
    assert.is_truthy(masked:find("i-0", 1, true) == nil)
    assert.is_true(allocated < 2 * #bodies[12], ("%d bytes allocated for a body of %d"):format(allocated, #bodies[12]))
  end)
end)
