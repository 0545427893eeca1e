-- A conversation as Claude Code sends it: every turn's body is the last one's with the answer and a new user turn
-- appended (bench/fixtures/request-8k.json's system prompt and tools, turns of ~0.5 KB with two identifiers each), so
-- each body after the first is walked on from the history the one before it left (engine/json.ts History). Prints the
-- mask's µs and the KB it allocates per turn over the later turns, and the same turns walked whole (their history
-- forgotten), and FAILED (exit 1) when a resumed turn allocates more than twice its body: the body and its output are
-- what a turn must make, and a history that copied them (the fifty-seventh pass's: four copies per turn) makes more.
-- A benchmark, not a test.
--   luajit bench/conversation.lua        env: BENCH_TURNS (60), BENCH_FROM (30: the first turn measured), BENCH_RUNS (15)
package.path = "build/?.lua;spec/lua/support/?.lua;" .. package.path
local E = require "kong.plugins.aws-masker.engine.index"
local hmac = require "hmac"
local cjson = require "cjson"

local turns = tonumber(os.getenv("BENCH_TURNS") or "60")
local from = tonumber(os.getenv("BENCH_FROM") or "30")
local runs = tonumber(os.getenv("BENCH_RUNS") or "15")
local base = cjson.decode(require "fixture"("bench/fixtures/request-8k.json"))
local masker = E.createMasker({ secret = "bench-secret-0123456789" }, hmac)
local policy = E.policyFor("/v1/messages")

local filler = string.rep("the deploy went out at noon and the queue drained slowly afterwards; ", 6)
local bodies, messages, bytes = {}, {}, 0
for k = 1, turns do
  local text = string.format("Turn %d: instance i-0%016x in subnet-0%016x logged %s", k, k * 7919, k * 104729, filler)
  messages[#messages + 1] = { role = "user", content = text }
  local doc = { model = base.model, max_tokens = base.max_tokens, system = base.system, tools = base.tools }
  doc.messages = messages
  bodies[k] = cjson.encode(doc)
  if k >= from then bytes = bytes + #bodies[k] end
  messages[#messages + 1] = { role = "assistant", content = "Looked at it: " .. filler }
end
local measured = turns - from + 1

-- one pass over the conversation: µs and KB per measured turn (resumed: each turn from the last one's history)
local function conversation(resumed)
  E.forgetHistories(masker)
  local t, kb = 0, 0
  for k = 1, turns do
    if not resumed then E.forgetHistories(masker) end
    local c0 = collectgarbage("count")
    local t0 = os.clock()
    E.maskJson(E.newSession(masker, "bench"), bodies[k], policy)
    if k >= from then
      t = t + (os.clock() - t0)
      kb = kb + (collectgarbage("count") - c0)
    end
  end
  return t / measured * 1e6, kb / measured
end

local function figures(resumed)
  for _ = 1, 5 do conversation(resumed) end -- warm up (JIT, caches)
  local times = {}
  for r = 1, runs do times[r] = conversation(resumed) end
  table.sort(times)
  collectgarbage("collect")
  collectgarbage("stop")
  local _, kb = conversation(resumed)
  collectgarbage("restart")
  return times[math.floor((runs + 1) / 2)], kb
end

local us, kb = figures(true)
local wholeUs, wholeKb = figures(false)
local bodyKb = bytes / measured / 1024
local ok = kb <= 2 * bodyKb
print(string.format("turns %d-%d of a conversation (bodies %.0f-%.0f KB): walked on from the history %.1f µs and %.0f KB per turn, walked whole %.1f µs and %.0f KB%s",
  from, turns, #bodies[from] / 1024, #bodies[turns] / 1024, us, kb, wholeUs, wholeKb,
  ok and "" or "  FAILED: a resumed turn allocates more than twice its body"))
if not ok then os.exit(1) end
